package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 3261 16.7 step 9: the proxy's own Via leaves a response before it goes back, however the
 * device wrote the Vias.
 */
class ProxyResponseTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  private static SipResponse response(String vias) {
    String text =
        "SIP/2.0 200 OK\r\n"
            + vias
            + "From: <sip:u1@example.com>;tag=a\r\nTo: <sip:u2@example.com>;tag=b\r\n"
            + "Call-ID: c1\r\nCSeq: 4 MESSAGE\r\nContent-Length: 0\r\n\r\n";
    return (SipResponse) PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Via: SIP/2.0/WSS 192.0.2.1:8089;branch=z9hG4bKproxy;rport=5000\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKphone;received=198.51.100.7\r\n",
        "Via: SIP/2.0/WSS 192.0.2.1:8089;branch=z9hG4bKproxy;rport=5000, SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKphone;received=198.51.100.7\r\n",
        "v: SIP/2.0/WSS 192.0.2.1:8089;branch=z9hG4bKproxy;rport=5000 ,SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKphone;received=198.51.100.7\r\n"
      })
  void theTopViaIsRemovedAndTheSendersStays(String vias) {
    SipResponse back = ResponseContext.withoutTopVia(response(vias));
    assertThat(back.topVia().branch()).isEqualTo("z9hG4bKphone");
    assertThat(back.topVia().received()).isEqualTo("198.51.100.7");
    assertThat(new String(back.toBytes(), StandardCharsets.US_ASCII))
        .doesNotContain("z9hG4bKproxy")
        .contains("Call-ID: c1");
  }

  @Test
  void aResponseWithTwoProxiesOnTheWayKeepsBothOfTheirs() {
    SipResponse back =
        ResponseContext.withoutTopVia(
            response(
                """
                Via: SIP/2.0/TLS 192.0.2.1;branch=z9hG4bKus\r
                Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKedge, SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKphone\r
                """));
    assertThat(back.vias())
        .extracting(v -> v.branch())
        .containsExactly("z9hG4bKedge", "z9hG4bKphone");
  }
}
