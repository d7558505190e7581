package dev.evertone.sip.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.uri.SipUri;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderValuesTest {

  @Test
  void addressFormsAndParameters() {
    Address a =
        Address.parse(
            "\"Alice \\\"A\\\" Smith\" <sip:alice@example.com;transport=tcp>;tag=88sja8x;expires=60");
    assertThat(a.displayName()).isEqualTo("Alice \"A\" Smith");
    assertThat(((SipUri) a.uri()).transport()).isEqualTo("tcp");
    assertThat(a.tag()).isEqualTo("88sja8x");
    assertThat(a.param("expires")).isEqualTo("60");
    assertThat(Address.parse(a.toString())).isEqualTo(a);

    Address spec = Address.parse("sip:bob@example.com;tag=1");
    assertThat(spec.uri()).hasToString("sip:bob@example.com");
    assertThat(spec.tag()).isEqualTo("1");

    Address tokens = Address.parse("Bob  Smith<sip:bob@example.com>");
    assertThat(tokens.displayName()).isEqualTo("Bob  Smith");
    assertThat(tokens.withParam("tag", "x"))
        .hasToString("\"Bob  Smith\" <sip:bob@example.com>;tag=x");
  }

  @Test
  void displayNameTextDecodesUtf8() {
    Address a =
        Address.parse(
            new String(
                "\"Jürgen\" <sip:j@example.com>".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(a.displayNameText()).isEqualTo("Jürgen");
  }

  @Test
  void addressLists() {
    List<Address> list =
        Address.parseList("<sip:a@x.com>;q=0.5, \"B, the second\" <sip:b@y.com> ,sip:c@z.com");
    assertThat(list)
        .extracting(x -> x.uri().toString())
        .containsExactly("sip:a@x.com", "sip:b@y.com", "sip:c@z.com");
    assertThat(list.get(1).displayName()).isEqualTo("B, the second");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "<sip:a@x.com",
        "< sip:a@x.com>",
        "\"open <sip:a@x.com>",
        "Bell, A <sip:a@x.com>",
        "<sip:a@x.com>;",
        "<sip:a@x.com>;;tag=1",
        "<sip:a@x.com>;tag=",
        "sip:a@x.com?h=1",
        "<sip:a@x.com> junk",
        "\"x\" sip:a@x.com",
      })
  void rejectsMalformedAddresses(String value) {
    assertThatThrownBy(() -> Address.parse(value)).isInstanceOf(SipParseException.class);
  }

  @Test
  void viaParametersAndSource() {
    Via via = Via.parseList("SIP/2.0/udp host.example.com;branch=z9hG4bK1;rport").get(0);
    assertThat(via.transport()).isEqualTo("UDP");
    assertThat(via.sentBy()).isEqualTo("host.example.com:5060");
    assertThat(via.hasRfc3261Branch()).isTrue();
    assertThat(via.hasRport()).isTrue();
    assertThat(via.rport()).isEqualTo(-1);
    // RFC 3581: rport filled in and received added
    Via seen = via.withSource("192.0.2.7", 40123);
    assertThat(seen.received()).isEqualTo("192.0.2.7");
    assertThat(seen.rport()).isEqualTo(40123);
    assertThat(seen)
        .hasToString("SIP/2.0/UDP host.example.com;branch=z9hG4bK1;rport=40123;received=192.0.2.7");
    // RFC 3261 18.2.1: no received when sent-by already is the source address
    Via direct = Via.parseList("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK2").get(0);
    assertThat(direct.withSource("192.0.2.7", 5060)).isSameAs(direct);
    assertThat(Via.parseList("SIP/2.0/TLS h.example.com;branch=z9hG4bKx").get(0).sentBy())
        .isEqualTo("h.example.com:5061");
    assertThat(direct.withSource("2001:db8::5", 5060).received()).isEqualTo("2001:db8::5");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SIP/2.0/UDP", "SIP/2.0/UDPhost", "SIP/2.0 host", "SIP/2.0/UDP host;ttl=256",
            "SIP/2.0/UDP host;received=host.name",
        "SIP/2.0/UDP host;rport=x", "SIP/2.0/UDP host:99999", "SIP/2.0/UDP host;branch",
            "SIP/2.0/UDP host,", "SIP/2.0/UDP [::1",
      })
  void rejectsMalformedVias(String value) {
    assertThatThrownBy(() -> Via.parseList(value)).isInstanceOf(SipParseException.class);
  }

  @Test
  void cseq() {
    assertThat(CSeq.parse("0009 \t INVITE")).isEqualTo(new CSeq(9, "INVITE"));
    assertThat(CSeq.parse("2147483647 ACK").number()).isEqualTo(CSeq.MAX);
    assertThatThrownBy(() -> CSeq.parse("2147483648 ACK")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> CSeq.parse("1INVITE")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> CSeq.parse("1 INVITE x")).isInstanceOf(SipParseException.class);
  }

  @Test
  void digestCredentials() {
    AuthHeader a =
        AuthHeader.parse(
            "Digest username=\"1001\",realm=\"example.com\", nonce=\"n\", uri=sip:example.com, "
                + "response=\"abc\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c\"");
    assertThat(a.isDigest()).isTrue();
    assertThat(a.param("USERNAME")).isEqualTo("1001");
    assertThat(a.param("uri")).isEqualTo("sip:example.com");
    assertThat(a.param("algorithm")).isEqualTo("SHA-256");
    assertThat(AuthHeader.parse(a.toString()).param("cnonce")).isEqualTo("c");
    assertThat(AuthHeader.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThatThrownBy(() -> AuthHeader.parse("Digest username"))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> AuthHeader.parse("Digest username=\"x"))
        .isInstanceOf(SipParseException.class);
  }

  @Test
  void compactAndCanonicalNames() {
    assertThat(HeaderName.canonical("v")).isEqualTo("Via");
    assertThat(HeaderName.canonical("I")).isEqualTo("Call-ID");
    assertThat(HeaderName.canonical("cAlL-iD")).isEqualTo("Call-ID");
    assertThat(HeaderName.canonical("www-authenticate")).isEqualTo("WWW-Authenticate");
    assertThat(HeaderName.canonical("X-Custom")).isEqualTo("X-Custom");
    byte[] bytes = "xxCSEQyy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(HeaderName.canonical(bytes, 2, 4)).isSameAs(HeaderName.CSEQ);
  }
}
