package dev.evertone.sip.parser;

import static dev.evertone.sip.Torture.accept;
import static dev.evertone.sip.Torture.acceptRequest;
import static dev.evertone.sip.Torture.rejection;
import static dev.evertone.sip.Torture.rfc4475;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.header.Address;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.uri.AbsoluteUri;
import dev.evertone.sip.uri.SipUri;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 4475 sections 3.2 to 3.4: messages that are well-formed (or must be rejected for missing or
 * repeated headers) and whose handling is decided above the parser. Here: what the parser makes of
 * them; the answers a server gives (416, 420, 415, 401, 483...) are tested with the server.
 */
class Rfc4475SemanticsTest {

  @Test
  @DisplayName(
      "3.2.1 badbranch: a branch that is only the magic cookie parses; it is not an RFC 3261 branch")
  void badbranch() {
    SipRequest r = acceptRequest(rfc4475("badbranch"));
    assertThat(r.topVia().branch()).isEqualTo("z9hG4bK");
    assertThat(r.topVia().hasRfc3261Branch()).isFalse();
  }

  @Test
  @DisplayName("3.3.1 insuf: missing required header fields -> 400")
  void insuf() {
    SipParseException e = rejection(rfc4475("insuf"));
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.reason()).startsWith("missing");
  }

  @Test
  @DisplayName("3.3.2 unkscm: Request-URI with an unknown scheme parses as an opaque URI")
  void unkscm() {
    SipRequest r = acceptRequest(rfc4475("unkscm"));
    assertThat(r.requestUri()).isInstanceOf(AbsoluteUri.class);
    assertThat(r.requestUri().scheme()).isEqualTo("nobodyknowsthisscheme");
    assertThat(r.requestUri()).hasToString("nobodyKnowsThisScheme:totallyopaquecontent");
  }

  @Test
  @DisplayName("3.3.3 novelsc: Request-URI with a known but atypical scheme")
  void novelsc() {
    SipRequest r = acceptRequest(rfc4475("novelsc"));
    assertThat(r.requestUri().scheme()).isEqualTo("soap.beep");
  }

  @Test
  @DisplayName("3.3.4 unksm2: unknown URI schemes in header fields parse")
  void unksm2() {
    SipRequest r = acceptRequest(rfc4475("unksm2"));
    assertThat(r.to().uri()).hasToString("isbn:2983792873");
    assertThat(r.from().uri()).hasToString("http://www.example.com");
    assertThat(r.contacts().get(0).uri()).hasToString("name:John_Smith");
  }

  @Test
  @DisplayName("3.3.5 bext01: Require and Proxy-Require values are listed")
  void bext01() {
    SipRequest r = acceptRequest(rfc4475("bext01"));
    assertThat(r.headerValues("Require"))
        .containsExactly("nothingSupportsThis", "nothingSupportsThisEither");
    assertThat(r.headerValues("Proxy-Require"))
        .containsExactly("noProxiesSupportThis", "norDoAnyProxiesSupportThis");
  }

  @Test
  @DisplayName("3.3.6 invut: unknown Content-Type parses with its body")
  void invut() {
    SipRequest r = acceptRequest(rfc4475("invut"));
    assertThat(r.contentType()).isEqualTo("application/unknownformat");
    assertThat(r.bodyLength()).isEqualTo(40);
  }

  @Test
  @DisplayName("3.3.7 regaut01: an Authorization header of an unknown scheme parses")
  void regaut01() {
    SipRequest r = acceptRequest(rfc4475("regaut01"));
    assertThat(r.authHeaders("Authorization"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.scheme()).isEqualTo("NoOneKnowsThisScheme");
              assertThat(a.isDigest()).isFalse();
              assertThat(a.param("opaque-data")).isEqualTo("here");
            });
  }

  @Test
  @DisplayName("3.3.8 multi01: multiple values in single-value header fields -> 400")
  void multi01() {
    SipParseException e = rejection(rfc4475("multi01"));
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.reason()).contains("appears more than once");
  }

  @Test
  @DisplayName("3.3.9 mcl01: multiple Content-Length values -> 400, framing lost")
  void mcl01() {
    SipParseException e = rejection(rfc4475("mcl01"));
    assertThat(e).isInstanceOf(FramingException.class);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.reason()).contains("more than one Content-Length");
  }

  @Test
  @DisplayName("3.3.10 bcast: a 200 with a broadcast address in the second Via parses")
  void bcast() {
    SipResponse r = (SipResponse) accept(rfc4475("bcast"));
    assertThat(r.vias().get(1).host()).isEqualTo("255.255.255.255");
  }

  @Test
  @DisplayName("3.3.11 zeromf: Max-Forwards of zero")
  void zeromf() {
    assertThat(acceptRequest(rfc4475("zeromf")).maxForwards()).isZero();
  }

  @Test
  @DisplayName("3.3.12 cparam01: params after an addr-spec Contact belong to the header")
  void cparam01() {
    Address contact = acceptRequest(rfc4475("cparam01")).contacts().get(0);
    assertThat(contact.uri()).hasToString("sip:+19725552222@gw1.example.net");
    assertThat(contact.params().contains("unknownparam")).isTrue();
  }

  @Test
  @DisplayName("3.3.13 cparam02: params inside <> belong to the URI")
  void cparam02() {
    Address contact = acceptRequest(rfc4475("cparam02")).contacts().get(0);
    assertThat(((SipUri) contact.uri()).hasParam("unknownparam")).isTrue();
    assertThat(contact.params().isEmpty()).isTrue();
  }

  @Test
  @DisplayName("3.3.14 regescrt: a Contact URI with an escaped header is kept as written")
  void regescrt() {
    Address contact = acceptRequest(rfc4475("regescrt")).contacts().get(0);
    SipUri uri = (SipUri) contact.uri();
    assertThat(uri.headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
    assertThat(contact).hasToString("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>");
  }

  @Test
  @DisplayName("3.3.15 sdp01: an Accept that excludes SDP parses")
  void sdp01() {
    assertThat(acceptRequest(rfc4475("sdp01")).headerValues("Accept"))
        .containsExactly("text/nobodyKnowsThis");
  }

  @Test
  @DisplayName(
      "3.4.1 inv2543: an RFC 2543 INVITE (no branch, no Max-Forwards, no Content-Length) parses")
  void inv2543() {
    SipRequest r = acceptRequest(rfc4475("inv2543"));
    assertThat(r.topVia().branch()).isNull();
    assertThat(r.maxForwards()).isEqualTo(-1);
    assertThat(r.from().tag()).isNull();
    // no Content-Length over UDP: the body is the rest of the datagram (RFC 3261 18.3)
    assertThat(new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII))
        .startsWith("v=0")
        .endsWith("RTP/AVP 0\r\n");
  }
}
