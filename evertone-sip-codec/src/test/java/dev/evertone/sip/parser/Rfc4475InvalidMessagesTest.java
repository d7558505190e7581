package dev.evertone.sip.parser;

import static dev.evertone.sip.Torture.acceptRequest;
import static dev.evertone.sip.Torture.rejection;
import static dev.evertone.sip.Torture.rfc4475;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.SipParseException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 4475 section 3.1.2: invalid messages are rejected with the status the RFC asks for (a request
 * gets 400 or 505, a response is discarded). Where the RFC lets an element either reject or be
 * liberal, evertone rejects; each such test says so.
 */
class Rfc4475InvalidMessagesTest {

  private static SipParseException rejected(String name, int status) {
    SipParseException e = rejection(rfc4475(name));
    assertThat(e).as(name + " must be rejected").isNotNull();
    assertThat(e.statusCode()).as("status for " + name + ": " + e.getMessage()).isEqualTo(status);
    return e;
  }

  @Test
  @DisplayName("3.1.2.1 badinv01: extraneous header field separators -> 400")
  void badinv01() {
    assertThat(rejected("badinv01", 400).reason()).contains("Via");
  }

  @Test
  @DisplayName("3.1.2.2 clerr: Content-Length larger than the datagram -> 400, still answerable")
  void clerr() {
    SipParseException e = rejected("clerr", 400);
    assertThat(e).isInstanceOf(FramingException.class);
    assertThat(((FramingException) e).message().topVia().host()).isEqualTo("host5.example.com");
    assertThat(e.reason()).contains("9999");
  }

  @Test
  @DisplayName("3.1.2.3 ncl: negative Content-Length -> 400, still answerable")
  void ncl() {
    SipParseException e = rejected("ncl", 400);
    assertThat(e).isInstanceOf(FramingException.class);
    assertThat(((FramingException) e).message()).isInstanceOf(SipRequest.class);
    assertThat(e.reason()).contains("-999");
  }

  @Test
  @DisplayName("3.1.2.4 scalar02: request scalar fields with overlarge values -> 400 for the CSeq")
  void scalar02() {
    assertThat(rejected("scalar02", 400).reason()).contains("CSeq");
  }

  @Test
  @DisplayName("3.1.2.5 scalarlg: response scalar fields with overlarge values -> discarded")
  void scalarlg() {
    assertThat(rejection(rfc4475("scalarlg"))).isNotNull();
  }

  @Test
  @DisplayName("3.1.2.6 quotbal: unterminated quoted string in display name -> 400")
  void quotbal() {
    assertThat(rejected("quotbal", 400).reason()).contains("To").contains("unterminated");
  }

  @Test
  @DisplayName(
      "3.1.2.7 ltgtruri: <> enclosing the Request-URI -> 400, answerable from the header fields")
  void ltgtruri() {
    SipParseException e = rejected("ltgtruri", 400);
    assertThat(e.reason()).contains("Request-URI");
    assertThat(((FramingException) e).message().callId()).isEqualTo("ltgtruri.1@192.0.2.5");
  }

  @Test
  @DisplayName("3.1.2.8 lwsruri: embedded LWS in the Request-URI -> 400, answerable")
  void lwsruri() {
    SipParseException e = rejected("lwsruri", 400);
    assertThat(e.reason()).contains("Request-Line");
    assertThat(e).isInstanceOf(FramingException.class);
  }

  @Test
  @DisplayName(
      "3.1.2.9 lwsstart: multiple SP between Request-Line elements -> 400 (evertone is strict)")
  void lwsstart() {
    assertThat(rejected("lwsstart", 400)).isInstanceOf(FramingException.class);
  }

  @Test
  @DisplayName("3.1.2.10 trws: SP at the end of the Request-Line -> 400 (evertone is strict)")
  void trws() {
    assertThat(rejected("trws", 400)).isInstanceOf(FramingException.class);
  }

  @Test
  @DisplayName("3.1.2.11 escruri: escaped headers in the Request-URI -> 400 (evertone is strict)")
  void escruri() {
    assertThat(rejected("escruri", 400).reason()).contains("Request-URI must not contain headers");
  }

  @Test
  @DisplayName(
      "3.1.2.12 baddate: invalid time zone in Date -> accepted; evertone never interprets Date")
  void baddate() {
    SipRequest r = acceptRequest(rfc4475("baddate"));
    assertThat(r.header("Date")).isEqualTo("Fri, 01 Jan 2010 16:00:00 EST");
  }

  @Test
  @DisplayName("3.1.2.13 regbadct: URI with '?' not enclosed in <> -> 400 (evertone is strict)")
  void regbadct() {
    assertThat(rejected("regbadct", 400).reason()).contains("Contact").contains("<>");
  }

  @Test
  @DisplayName("3.1.2.14 badaspec: spaces within addr-spec -> 400 (evertone is strict)")
  void badaspec() {
    assertThat(rejected("badaspec", 400).reason()).contains("To").contains("whitespace");
  }

  @Test
  @DisplayName("3.1.2.15 baddn: non-token characters in display name -> 400")
  void baddn() {
    assertThat(rejected("baddn", 400).reason()).contains("From");
  }

  @Test
  @DisplayName("3.1.2.16 badvers: unknown protocol version -> 505")
  void badvers() {
    rejected("badvers", 505);
  }

  @Test
  @DisplayName("3.1.2.17 mismatch01: method and CSeq method differ -> 400")
  void mismatch01() {
    assertThat(rejected("mismatch01", 400).reason())
        .contains("CSeq method INVITE does not match request method OPTIONS");
  }

  @Test
  @DisplayName("3.1.2.18 mismatch02: unknown method with CSeq mismatch -> 400")
  void mismatch02() {
    assertThat(rejected("mismatch02", 400).reason()).contains("NEWMETHOD");
  }

  @Test
  @DisplayName("3.1.2.19 bigcode: overlarge response code -> discarded")
  void bigcode() {
    assertThat(rejection(rfc4475("bigcode"))).isNotNull().isNotInstanceOf(FramingException.class);
  }
}
