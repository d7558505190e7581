package dev.evertone.sip.parser;

import static dev.evertone.sip.Torture.accept;
import static dev.evertone.sip.Torture.acceptRequest;
import static dev.evertone.sip.Torture.rfc4475;
import static dev.evertone.sip.Torture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.Torture;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.uri.SipUri;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 4475 section 3.1.1: valid messages parse, to the values the RFC describes. */
class Rfc4475ValidMessagesTest {

  /** Serializing and parsing again gives the same start line, header values and body. */
  private static void assertRoundTrip(SipMessage m) {
    SipMessage again = Torture.accept(m.toBytes());
    assertThat(again.startLine()).isEqualTo(m.startLine());
    assertThat(again.headers()).isEqualTo(m.headers());
    assertThat(again.body()).isEqualTo(m.body());
  }

  @Test
  @DisplayName("3.1.1.1 wsinv: a short tortuous INVITE")
  void wsinv() {
    SipRequest r = acceptRequest(rfc4475("wsinv"));
    assertThat(r.method()).isEqualTo("INVITE");
    SipUri ruri = (SipUri) r.requestUri();
    assertThat(ruri.user()).isEqualTo("vivekg");
    assertThat(ruri.host()).isEqualTo("chair-dnrc.example.com");
    assertThat(ruri.hasParam("unknownparam")).isTrue();

    assertThat(r.to().uri()).hasToString("sip:vivekg@chair-dnrc.example.com");
    assertThat(r.to().tag()).isEqualTo("1918181833n");
    assertThat(r.from().displayName()).isEqualTo("J Rosenberg \\\"");
    assertThat(r.from().uri()).hasToString("sip:jdrosen@example.com");
    assertThat(r.from().tag()).isEqualTo("98asjd8");
    assertThat(r.maxForwards()).isEqualTo(68);
    assertThat(r.callId()).isEqualTo("wsinv.ndaksdj@192.0.2.1");
    assertThat(r.cseq().number()).isEqualTo(9);
    assertThat(r.cseq().method()).isEqualTo("INVITE");

    List<Via> vias = r.vias();
    assertThat(vias).hasSize(3);
    assertThat(vias.get(0).protocol()).isEqualTo("SIP/2.0");
    assertThat(vias.get(0).transport()).isEqualTo("UDP");
    assertThat(vias.get(0).host()).isEqualTo("192.0.2.2");
    assertThat(vias.get(0).branch()).isEqualTo("390skdjuw");
    assertThat(vias.get(1).transport()).isEqualTo("TCP");
    assertThat(vias.get(1).host()).isEqualTo("spindle.example.com");
    assertThat(vias.get(1).branch()).isEqualTo("z9hG4bK9ikj8");
    assertThat(vias.get(2).host()).isEqualTo("192.168.255.111");
    assertThat(vias.get(2).branch()).isEqualTo("z9hG4bK30239");

    assertThat(r.header("Subject")).isEmpty();
    assertThat(r.header("NewFangledHeader"))
        .isEqualTo("newfangled value continued newfangled value");
    assertThat(r.header("UnknownHeaderWithUnusualValue")).isEqualTo(";;,,;;,;");
    Address route =
        Address.parseList(
                Objects.requireNonNull(r.header("Route"), "the message has a Route header"))
            .get(0);
    assertThat(((SipUri) route.uri()).isLooseRouter()).isTrue();
    assertThat(((SipUri) route.uri()).param("unknownwith")).isEqualTo("value");

    Address contact = r.contacts().get(0);
    assertThat(contact.displayName()).isEqualTo("Quoted string \"\"");
    assertThat(contact.uri()).hasToString("sip:jdrosen@example.com");
    assertThat(contact.param("newparam")).isEqualTo("newvalue");
    assertThat(contact.params().contains("secondparam")).isTrue();
    assertThat(contact.param("q")).isEqualTo("0.33");

    assertThat(r.contentType()).isEqualTo("application/sdp");
    assertThat(r.bodyLength()).isEqualTo(150);
    assertThat(new String(r.body(), StandardCharsets.US_ASCII))
        .startsWith("v=0\r\n")
        .endsWith("a=rtpmap:31 LPC\r\n");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.2 intmeth: wide range of valid characters")
  void intmeth() {
    SipRequest r = acceptRequest(rfc4475("intmeth"));
    String method = "!interesting-Method0123456789_*+`.%indeed'~";
    assertThat(r.method()).isEqualTo(method);
    assertThat(r.cseq().method()).isEqualTo(method);
    assertThat(r.cseq().number()).isEqualTo(139122385);
    SipUri ruri = (SipUri) r.requestUri();
    assertThat(ruri.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assertThat(ruri.password()).isEqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assertThat(ruri.host()).isEqualTo("example.com");
    assertThat(r.topVia().branch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
    assertThat(r.to().displayName()).isEqualTo("BEL:\u0007 NUL:\u0000 DEL:\u007f");
    assertThat(((SipUri) r.to().uri()).user())
        .isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assertThat(r.from().displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
    assertThat(text(r.from().param("fromParam''~+*_!.-%"))).isEqualTo("работающий");
    assertThat(r.from().tag()).isEqualTo("_token~1'+`*%!-.");
    assertThat(r.callId()).isEqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    assertThat(r.maxForwards()).isEqualTo(255);
    assertThat(text(r.header("extensionHeader-!.%*+_`'~"))).isEqualTo("\uFEFF大停電");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.3 esc01: valid use of the % escaping mechanism")
  void esc01() {
    SipRequest r = acceptRequest(rfc4475("esc01"));
    SipUri ruri = (SipUri) r.requestUri();
    assertThat(ruri.userUnescaped()).isEqualTo("sips:user@example.com");
    assertThat(ruri.host()).isEqualTo("example.net");
    assertThat(((SipUri) r.to().uri()).userUnescaped()).isEqualTo("user");
    assertThat(((SipUri) r.from().uri()).userUnescaped()).isEqualTo("I have spaces");
    assertThat(r.callId()).isEqualTo("esc01.239409asdfakjkn23onasd0-3234");
    assertThat(r.contentType()).isEqualTo("application/sdp");
    SipUri contact = (SipUri) r.contacts().get(0).uri();
    assertThat(contact.userUnescaped()).isEqualTo("caller");
    assertThat(contact.isLooseRouter()).isTrue();
    assertThat(contact.param("name")).isEqualTo("value%41");
    assertThat(
            contact.equivalentTo(SipUri.parse("sip:caller@host5.example.net;lr;name=value%2541")))
        .isTrue();
    // sent on as written: the escapes are kept
    assertThat(contact)
        .hasToString("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.4 escnull: escaped nulls in URIs")
  void escnull() {
    SipRequest r = acceptRequest(rfc4475("escnull"));
    assertThat(r.method()).isEqualTo("REGISTER");
    assertThat(((SipUri) r.to().uri()).userUnescaped()).isEqualTo("null-\u0000-null");
    assertThat(r.contacts()).hasSize(2);
    assertThat(((SipUri) r.contacts().get(0).uri()).userUnescaped()).isEqualTo("\u0000");
    assertThat(((SipUri) r.contacts().get(1).uri()).userUnescaped()).isEqualTo("\u0000\u0000");
    assertThat(r.bodyLength()).isZero();
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.5 esc02: use of % when it is not an escape")
  void esc02() {
    SipRequest r = acceptRequest(rfc4475("esc02"));
    // an extension method whose name contains %, not REGISTER
    assertThat(r.method()).isEqualTo("RE%47IST%45R").isNotEqualTo("REGISTER");
    assertThat(r.to().displayName()).isEqualTo("%Z%45");
    assertThat(r.topVia().branch()).isEqualTo("z9hG4bK209%fzsnel234");
    // "C%6Fntact" is an unknown header, not Contact
    assertThat(r.contacts())
        .extracting(a -> a.uri().toString())
        .containsExactly("sip:alias1@host1.example.com", "sip:alias3@host3.example.com");
    assertThat(r.header("C%6Fntact")).isEqualTo("<sip:alias2@host2.example.com>");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.6 lwsdisp: no LWS between display name and <")
  void lwsdisp() {
    SipRequest r = acceptRequest(rfc4475("lwsdisp"));
    assertThat(r.from().displayName()).isEqualTo("caller");
    assertThat(r.from().uri()).hasToString("sip:caller@example.com");
    assertThat(r.from().tag()).isEqualTo("323");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.7 longreq: long values in header fields")
  void longreq() {
    SipRequest r = acceptRequest(rfc4475("longreq"));
    assertThat(r.to().displayName())
        .startsWith("I have a user name of extremeextreme")
        .endsWith(" proportion");
    SipUri to = (SipUri) r.to().uri();
    assertThat(to.port()).isEqualTo(6000);
    assertThat(to.param("unknownparam1")).startsWith("verylonglonglong");
    assertThat(
            to.param(
                "longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename"))
        .isEqualTo("shortvalue");
    assertThat(
            to.hasParam(
                "verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue"))
        .isTrue();
    assertThat(
            to.params()
                .raw(
                    "verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue"))
        .isNull();
    assertThat(r.to().tag()).isNull();
    assertThat(((SipUri) r.from().uri()).user()).startsWith("amazinglylongcallername").hasSize(115);
    assertThat(r.from().tag()).startsWith("12982982982").hasSizeGreaterThan(150);
    assertThat(r.callId()).startsWith("longreq.onereally").endsWith("longcallid");
    assertThat(r.vias()).hasSize(34);
    assertThat(r.vias().get(0).host()).isEqualTo("sip33.example.com");
    Via last = r.vias().get(33);
    assertThat(last.received()).isEqualTo("192.0.2.5");
    assertThat(last.branch()).startsWith("verylonglong").endsWith("branchvalue");
    assertThat(r.maxForwards()).isEqualTo(70);
    assertThat(r.contacts().get(0).uri().toString()).contains("amazinglylongcallername");
    assertThat(r.bodyLength()).isEqualTo(150);
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.8 dblreq: extra trailing octets in a UDP datagram are discarded")
  void dblreq() {
    SipRequest r = acceptRequest(rfc4475("dblreq"));
    assertThat(r.method()).isEqualTo("REGISTER");
    assertThat(r.callId()).isEqualTo("dblreq.0ha0isndaksdj99sdfafnl3lk233412");
    assertThat(r.bodyLength()).isZero();
    assertThat(r.contacts().get(0).uri()).hasToString("sip:j.user@host.example.com");
    assertThat(r.toString()).doesNotContain("INVITE");
  }

  @Test
  @DisplayName("3.1.1.9 semiuri: semicolon-separated parameters in the URI user part")
  void semiuri() {
    SipRequest r = acceptRequest(rfc4475("semiuri"));
    SipUri ruri = (SipUri) r.requestUri();
    assertThat(ruri.user()).isEqualTo("user;par=u%40example.net");
    assertThat(ruri.userUnescaped()).isEqualTo("user;par=u@example.net");
    assertThat(ruri.host()).isEqualTo("example.com");
    assertThat(ruri.params().isEmpty()).isTrue();
    assertThat(r.headerValues("Accept"))
        .containsExactly(
            "application/sdp",
            "application/pkcs7-mime",
            "multipart/mixed",
            "multipart/signed",
            "message/sip",
            "message/sipfrag");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.10 transports: varied and unknown transport types")
  void transports() {
    SipRequest r = acceptRequest(rfc4475("transports"));
    assertThat(r.vias())
        .extracting(Via::transport)
        .containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
    assertThat(r.callId()).isEqualTo("transports.kijh4akdnaqjkwendsasfdj");
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.11 mpart01: multipart MIME body with binary content")
  void mpart01() {
    SipRequest r = acceptRequest(rfc4475("mpart01"));
    assertThat(r.method()).isEqualTo("MESSAGE");
    assertThat(r.contentType()).isEqualTo("multipart/mixed;boundary=7a9cbec02ceef655");
    assertThat(r.bodyLength()).isEqualTo(553);
    byte[] body = r.body();
    assertThat(new String(body, 0, 20, StandardCharsets.ISO_8859_1))
        .isEqualTo("--7a9cbec02ceef655\r\n");
    assertThat(new String(body, body.length - 22, 22, StandardCharsets.ISO_8859_1))
        .isEqualTo("--7a9cbec02ceef655--\r\n");
    assertThat(r.topVia().hasRport()).isTrue();
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.12 unreason: unusual reason phrase")
  void unreason() {
    SipResponse r = (SipResponse) accept(rfc4475("unreason"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(text(r.reason())).isEqualTo("= 2**3 * 5**2 но сто девяносто девять - простое");
    assertThat(r.bodyLength()).isEqualTo(154);
    assertRoundTrip(r);
  }

  @Test
  @DisplayName("3.1.1.13 noreason: empty reason phrase")
  void noreason() {
    SipResponse r = (SipResponse) accept(rfc4475("noreason"));
    assertThat(r.status()).isEqualTo(100);
    assertThat(r.reason()).isEmpty();
    assertThat(r.to().tag()).isEqualTo("902jndnke3");
    assertRoundTrip(r);
  }
}
