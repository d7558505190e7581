package dev.evertone.sip.parser;

import static dev.evertone.sip.Torture.accept;
import static dev.evertone.sip.Torture.acceptRequest;
import static dev.evertone.sip.Torture.rejection;
import static dev.evertone.sip.Torture.rfc5118;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.uri.SipUri;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 5118: SIP torture test messages for IPv6. */
class Rfc5118Ipv6Test {

  private static SipUri ruri(SipRequest r) {
    return (SipUri) r.requestUri();
  }

  @Test
  @DisplayName("4.1 ipv6-good: a valid IPv6 Request-URI")
  void ipv6Good() {
    SipRequest r = acceptRequest(rfc5118("ipv6-good"));
    assertThat(ruri(r).host()).isEqualTo("[2001:db8::10]");
    assertThat(ruri(r).port()).isEqualTo(-1);
    assertThat(r.topVia().host()).isEqualTo("[2001:db8::9:1]");
    assertThat(((SipUri) r.contacts().get(0).uri()).host()).isEqualTo("[2001:db8::1]");
  }

  @Test
  @DisplayName("4.2 ipv6-bad: an IPv6 Request-URI without brackets -> 400")
  void ipv6Bad() {
    SipParseException e = rejection(rfc5118("ipv6-bad"));
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.reason()).contains("Request-URI");
  }

  @Test
  @DisplayName("4.3 port-ambiguous: [2001:db8::10:5070] is an address without a port")
  void portAmbiguous() {
    SipRequest r = acceptRequest(rfc5118("port-ambiguous"));
    assertThat(ruri(r).host()).isEqualTo("[2001:db8::10:5070]");
    assertThat(ruri(r).port()).isEqualTo(-1);
  }

  @Test
  @DisplayName("4.4 port-unambiguous: [2001:db8::10]:5070 has port 5070")
  void portUnambiguous() {
    SipRequest r = acceptRequest(rfc5118("port-unambiguous"));
    assertThat(ruri(r).host()).isEqualTo("[2001:db8::10]");
    assertThat(ruri(r).port()).isEqualTo(5070);
  }

  @Test
  @DisplayName("4.5 via-received-param-with-delim: received=[IPv6] is accepted")
  void viaReceivedWithDelim() {
    Via via = acceptRequest(rfc5118("via-received-param-with-delim")).topVia();
    assertThat(via.received()).isEqualTo("2001:db8::9:255");
    assertThat(via.branch()).isEqualTo("z9hG4bKas3-111");
  }

  @Test
  @DisplayName("4.5 via-received-param-no-delim: received=IPv6 without brackets is accepted")
  void viaReceivedNoDelim() {
    Via via = acceptRequest(rfc5118("via-received-param-no-delim")).topVia();
    assertThat(via.received()).isEqualTo("2001:db8::9:255");
    assertThat(via.branch()).isEqualTo("z9hG4bKas3");
  }

  @Test
  @DisplayName("4.6 ipv4-mapped-ipv6: IPv4-mapped IPv6 addresses")
  void ipv4Mapped() {
    SipRequest r = acceptRequest(rfc5118("ipv4-mapped-ipv6"));
    assertThat(r.vias())
        .extracting(Via::host)
        .containsExactly("[::ffff:192.0.2.10]", "[::ffff:192.0.2.2]");
    assertThat(r.vias().get(0).port()).isEqualTo(19823);
    assertThat(((SipUri) r.contacts().get(0).uri()).host()).isEqualTo("[::ffff:192.0.2.2]");
  }

  @Test
  @DisplayName("4.7 mult-ip-in-header: IPv4 and IPv6 addresses in Via")
  void multIpInHeader() {
    SipRequest r = acceptRequest(rfc5118("mult-ip-in-header"));
    assertThat(r.vias())
        .extracting(Via::host)
        .containsExactly("[2001:db8::9:1]", "192.0.2.1", "[2001:db8::9:255]");
    assertThat(r.vias().get(0).port()).isEqualTo(6050);
    assertThat(r.vias().get(2).received()).isEqualTo("192.0.2.200");
  }

  @Test
  @DisplayName("4.8 mult-ip-in-sdp: IPv4 and IPv6 in the body parse as a message")
  void multIpInSdp() {
    assertThat(accept(rfc5118("mult-ip-in-sdp")).bodyLength()).isEqualTo(181);
  }

  @Test
  @DisplayName("4.9 ipv6-bug-abnf-3-colons: three colons is not an IPv6 address -> 400")
  void threeColons() {
    SipParseException e = rejection(rfc5118("ipv6-bug-abnf-3-colons"));
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.reason()).contains("IPv6");
  }

  @Test
  @DisplayName("4.10 ipv6-correct-abnf-2-colons: the correct form is accepted")
  void twoColons() {
    SipRequest r = acceptRequest(rfc5118("ipv6-correct-abnf-2-colons"));
    assertThat(ruri(r).host()).isEqualTo("[2001:db8::192.0.2.1]");
  }

  @Test
  @DisplayName("4.11 ipv6-in-sdp: IPv6 Request-URI and SDP")
  void ipv6InSdp() {
    SipRequest r = acceptRequest(rfc5118("ipv6-in-sdp"));
    assertThat(ruri(r).host()).isEqualTo("[2001:db8::10]");
    assertThat(r.bodyLength()).isEqualTo(241);
  }
}
