package dev.evertone.sip.uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.syntax.SipParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SipUriTest {

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // RFC 3261 19.1.4: equivalent URIs
        "sip:%61lice@atlanta.com;transport=TCP | sip:alice@AtLanTa.CoM;Transport=tcp",
        "sip:carol@chicago.com | sip:carol@chicago.com;newparam=5",
        "sip:carol@chicago.com | sip:carol@chicago.com;security=on",
        "sip:carol@chicago.com;newparam=5 | sip:carol@chicago.com;security=on",
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com | sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent | sip:alice@atlanta.com?priority=urgent&subject=project%20x",
      })
  void equivalentPerRfc3261(String a, String b) {
    assertThat(SipUri.parse(a).equivalentTo(SipUri.parse(b))).isTrue();
    assertThat(SipUri.parse(b).equivalentTo(SipUri.parse(a))).isTrue();
  }

  @ParameterizedTest(name = "{0} != {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // RFC 3261 19.1.4: URIs that are not equivalent
        "SIP:ALICE@AtLanTa.CoM;Transport=udp | sip:alice@AtLanTa.CoM;Transport=UDP",
        "sip:bob@biloxi.com | sip:bob@biloxi.com:5060",
        "sip:bob@biloxi.com | sip:bob@biloxi.com;transport=udp",
        "sip:bob@biloxi.com | sip:bob@biloxi.com:6000;transport=tcp",
        "sip:carol@chicago.com | sip:carol@chicago.com?Subject=next%20meeting",
        "sip:bob@phone21.boxesbybob.com | sip:bob@192.0.2.4",
        "sip:bob@biloxi.com | sips:bob@biloxi.com",
        "sip:bob@biloxi.com;maddr=192.0.2.1 | sip:bob@biloxi.com",
      })
  void notEquivalentPerRfc3261(String a, String b) {
    assertThat(SipUri.parse(a).equivalentTo(SipUri.parse(b))).isFalse();
    assertThat(SipUri.parse(b).equivalentTo(SipUri.parse(a))).isFalse();
  }

  @Test
  void aorKeyIgnoresPortParamsAndHostCase() {
    assertThat(SipUri.parse("sips:%31001@Example.COM:5061;transport=tls").aorKey())
        .isEqualTo("sip:1001@example.com");
    assertThat(SipUri.parse("sip:example.com").aorKey()).isEqualTo("sip:example.com");
  }

  @Test
  void ofEscapesWhatTheUserPartCannotHold() {
    SipUri uri = SipUri.of("a b%c@d", "example.com");
    assertThat(uri).hasToString("sip:a%20b%25c%40d@example.com");
    assertThat(uri.userUnescaped()).isEqualTo("a b%c@d");
    assertThat(SipUri.parse(uri.toString()).userUnescaped()).isEqualTo("a b%c@d");
  }

  @Test
  void componentsAreKeptAsWritten() {
    SipUri uri = SipUri.parse("sip:alice:secret@[2001:db8::1]:5070;transport=TCP;lr?subject=hi");
    assertThat(uri.user()).isEqualTo("alice");
    assertThat(uri.password()).isEqualTo("secret");
    assertThat(uri.host()).isEqualTo("[2001:db8::1]");
    assertThat(uri.port()).isEqualTo(5070);
    assertThat(uri.transport()).isEqualTo("tcp");
    assertThat(uri.isLooseRouter()).isTrue();
    assertThat(uri.headers()).isEqualTo("subject=hi");
    assertThat(uri).hasToString("sip:alice:secret@[2001:db8::1]:5070;transport=TCP;lr?subject=hi");
    assertThat(uri.bare()).hasToString("sip:alice:secret@[2001:db8::1]:5070");
    assertThat(uri.withParam("ob", null).withoutParam("lr"))
        .hasToString("sip:alice:secret@[2001:db8::1]:5070;transport=TCP;ob?subject=hi");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sip:",
        "sip:@example.com",
        "sip:alice@",
        "sip:alice@example.com:",
        "sip:alice@example.com:65536",
        "sip:alice@example.com:50x0",
        "sip:al ice@example.com",
        "sip:alice@exa mple.com",
        "sip:alice@example.com;;lr",
        "sip:alice@example.com;lr=",
        "sip:al%4@example.com",
        "sip:al%zz@example.com",
        "sip:alice@[2001:db8:::1]",
        "sip:alice@[2001:db8::1",
        "sip:alice@example.com?noequals",
        "sip:alice@-bad-.com",
        "sip:alice@1.2.3.400",
        "sip:alice@example..com",
        "sip:alice@example.com>",
        "sip:alice@example.com;p=<x>",
      })
  void rejectsMalformedUris(String text) {
    assertThatThrownBy(() -> Uri.parse(text)).isInstanceOf(SipParseException.class);
  }

  @Test
  void telUris() {
    TelUri global = (TelUri) Uri.parse("tel:+1-201-555-0123;ext=42");
    assertThat(global.isGlobal()).isTrue();
    assertThat(global.digits()).isEqualTo("+12015550123");
    assertThat(global.params().get("ext")).isEqualTo("42");
    assertThat(global).isEqualTo(Uri.parse("tel:+1.201.555.0123;EXT=42"));
    TelUri local = (TelUri) Uri.parse("tel:7042;phone-context=example.com");
    assertThat(local.isGlobal()).isFalse();
    assertThatThrownBy(() -> Uri.parse("tel:7042"))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("phone-context");
    assertThatThrownBy(() -> Uri.parse("tel:+1x2")).isInstanceOf(SipParseException.class);
  }

  @Test
  void otherSchemesAreOpaque() {
    Uri urn = Uri.parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    assertThat(urn).isInstanceOf(AbsoluteUri.class);
    assertThat(urn.scheme()).isEqualTo("urn");
    assertThatThrownBy(() -> Uri.parse("1urn:x")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> Uri.parse("urn:")).isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> Uri.parse("no-colon")).isInstanceOf(SipParseException.class);
  }
}
