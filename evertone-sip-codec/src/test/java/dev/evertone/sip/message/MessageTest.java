package dev.evertone.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.uri.SipUri;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  private static final String OPTIONS =
      """
      OPTIONS sip:example.com SIP/2.0\r
      Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r
      Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK2, SIP/2.0/TCP c.example.com;branch=z9hG4bK3\r
      Max-Forwards: 70\r
      From: <sip:a@example.com>;tag=1\r
      To: <sip:b@example.com>\r
      Call-ID: c1\r
      CSeq: 7 OPTIONS\r
      Timestamp: 54\r
      Supported: path, outbound\r
      Supported: gruu\r
      Content-Length: 0\r
      \r
      """;

  private static SipRequest options() {
    return (SipRequest) PARSER.parse(OPTIONS.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void responseCopiesTheHeadersRfc3261Lists() {
    SipResponse r = SipResponse.forRequest(options(), 100).build();
    assertThat(r.startLine()).isEqualTo("SIP/2.0 100 Trying");
    assertThat(r.headerFields("Via")).hasSize(2);
    assertThat(r.vias())
        .extracting(v -> v.host())
        .containsExactly("a.example.com", "b.example.com", "c.example.com");
    assertThat(r.header("Timestamp")).isEqualTo("54");
    assertThat(r.header("Max-Forwards")).isNull();
    assertThat(r.header("Content-Length")).isEqualTo("0");
    assertThat(SipResponse.forRequest(options(), 200).build().header("Timestamp")).isNull();
  }

  @Test
  void toTagIsAddedOnlyWhenMissing() {
    SipResponse tagged = SipResponse.forRequest(options(), 200).withToTag("abc").build();
    assertThat(tagged.to().tag()).isEqualTo("abc");
    assertThat(tagged.toBuilder().withToTag("other").build().to().tag()).isEqualTo("abc");
  }

  @Test
  void listHeadersSplitAcrossFields() {
    assertThat(options().headerValues("k")).containsExactly("path", "outbound", "gruu");
    assertThat(options().count(HeaderName.SUPPORTED)).isEqualTo(2);
  }

  @Test
  void builderKeepsOrderAndSetsContentLength() {
    SipRequest r =
        options().toBuilder()
            .prepend(HeaderName.VIA, "SIP/2.0/UDP top.example.com;branch=z9hG4bK0")
            .set(HeaderName.MAX_FORWARDS, 69)
            .remove(HeaderName.SUPPORTED)
            .body("text/plain", "hello".getBytes(StandardCharsets.US_ASCII))
            .build();
    assertThat(r.topVia().host()).isEqualTo("top.example.com");
    assertThat(r.maxForwards()).isEqualTo(69);
    assertThat(r.has("Supported")).isFalse();
    assertThat(r.header("Content-Length")).isEqualTo("5");
    assertThat(r.toString()).endsWith("Content-Length: 5\r\n\r\nhello");
    SipRequest again = (SipRequest) PARSER.parse(r.toBytes());
    assertThat(again.headers()).isEqualTo(r.headers());
    assertThat(new String(again.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
  }

  @Test
  void headerInjectionIsRefused() {
    SipRequest.Builder b = SipRequest.builder(Method.OPTIONS, SipUri.parse("sip:example.com"));
    assertThatThrownBy(() -> b.add("Subject", "hi\r\nVia: evil"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SipResponse.builder(200).reason("OK\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textMustBeEncodedToOctets() {
    SipRequest.Builder b = SipRequest.builder(Method.OPTIONS, SipUri.parse("sip:example.com"));
    assertThatThrownBy(() -> b.add("Subject", "会议"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("utf8()");
    SipRequest r =
        b.add("Subject", HeaderField.utf8("会议"))
            .add("Via", "SIP/2.0/UDP h;branch=z9hG4bK1")
            .build();
    String wire = new String(r.toBytes(), StandardCharsets.UTF_8);
    assertThat(wire).contains("Subject: 会议\r\n");
  }

  @Test
  void expiresIsCappedAtTwoToThe32() {
    SipRequest r = options().toBuilder().set("Expires", "99999999999999999999").build();
    assertThat(r.expires()).isEqualTo(SipMessage.MAX_DELTA_SECONDS);
    assertThat(options().expires()).isEqualTo(-1);
  }

  @Test
  void reasonPhrases() {
    assertThat(StatusCode.reasonPhrase(423)).isEqualTo("Interval Too Brief");
    assertThat(StatusCode.reasonPhrase(499)).isEqualTo("Client Error");
    assertThat(Method.isKnown("REGISTER")).isTrue();
    assertThat(Method.isKnown("RE%47IST%45R")).isFalse();
  }
}
