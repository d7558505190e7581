package dev.evertone.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5769 (section 2), byte for byte. */
class Rfc5769VectorsTest {
  private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
  }

  /** 2.1: a request with short-term credentials, SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME. */
  static final byte[] REQUEST =
      hex(
          """
      00010058 2112a442 b7e7a701 bc34d686 fa87dfae
      80220010 5354554e 20746573 7420636c 69656e74
      00240004 6e0001ff
      80290008 932ff9b1 51263b36
      00060009 6576746a 3a683676 59202020
      00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
      80280004 e57a3bcf""");

  /** 2.2: the IPv4 response, mapped address 192.0.2.1 port 32853. */
  static final byte[] IPV4_RESPONSE =
      hex(
          """
      0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
      8022000b 74657374 20766563 746f7220
      00200008 0001a147 e112a643
      00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
      80280004 c07d4c96""");

  /** 2.3: the IPv6 response, mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
  static final byte[] IPV6_RESPONSE =
      hex(
          """
      01010048 2112a442 b7e7a701 bc34d686 fa87dfae
      8022000b 74657374 20766563 746f7220
      00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
      00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
      80280004 c8fb0b4c""");

  /**
   * 2.4: a request with long-term credentials: USERNAME (a Japanese name), NONCE, REALM
   * example.org.
   */
  static final byte[] LONG_TERM_REQUEST =
      hex(
          """
      00010060 2112a442 78ad3433 c6ad72c0 29da412e
      00060012 e3839ee3 8388e383 aae38383 e382afe3 82b90000
      0015001c 662f2f34 39396b39 35346436 4f4c3334 6f4c3946 53547679 36347341
      0014000b 6578616d 706c652e 6f726700
      00080014 f6702465 6dd64a3e 02b8e071 2e85c9a2 8ca89666""");

  @Test
  void sampleRequestWithShortTermCredentials() throws Exception {
    StunMessage m = StunMessage.parse(REQUEST, REQUEST.length);
    assertThat(m.method()).isEqualTo(StunAttributes.BINDING);
    assertThat(m.kind()).isEqualTo(StunMessage.Kind.REQUEST);
    assertThat(m.text(StunAttributes.SOFTWARE)).isEqualTo("STUN test client");
    assertThat(m.text(StunAttributes.USERNAME)).isEqualTo("evtj:h6vY");
    assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(PASSWORD))).isTrue();
    assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(PASSWORD + "x"))).isFalse();
    assertThat(StunIntegrity.fingerprintOk(m)).isTrue();
    assertThat(m.unknownRequired()).as("PRIORITY is ICE's and understood").isEmpty();
  }

  @Test
  void sampleResponsesCarryTheXoredAddresses() throws Exception {
    StunMessage v4 = StunMessage.parse(IPV4_RESPONSE, IPV4_RESPONSE.length);
    assertThat(v4.kind()).isEqualTo(StunMessage.Kind.SUCCESS);
    assertThat(v4.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
    assertThat(StunIntegrity.verify(v4, StunIntegrity.shortTermKey(PASSWORD))).isTrue();
    assertThat(StunIntegrity.fingerprintOk(v4)).isTrue();

    StunMessage v6 = StunMessage.parse(IPV6_RESPONSE, IPV6_RESPONSE.length);
    assertThat(v6.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS))
        .isEqualTo(
            new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
    assertThat(StunIntegrity.verify(v6, StunIntegrity.shortTermKey(PASSWORD))).isTrue();
    assertThat(StunIntegrity.fingerprintOk(v6)).isTrue();
  }

  @Test
  void sampleRequestWithLongTermCredentials() throws Exception {
    StunMessage m = StunMessage.parse(LONG_TERM_REQUEST, LONG_TERM_REQUEST.length);
    assertThat(m.text(StunAttributes.USERNAME)).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
    assertThat(m.text(StunAttributes.REALM)).isEqualTo("example.org");
    assertThat(m.text(StunAttributes.NONCE)).isEqualTo("f//499k954d6OL34oL9FSTvy64sA");
    // the password "The<U+00AD>M<U+00AA>tr<U+2168>" is "TheMatrIX" after SASLprep
    byte[] key =
        StunIntegrity.longTermKey(
            Expected.text(m, StunAttributes.USERNAME), "example.org", "TheMatrIX");
    assertThat(StunIntegrity.verify(m, key)).isTrue();
    assertThat(StunIntegrity.fingerprintOk(m)).as("this one has none").isFalse();
  }

  @Test
  void whatTheEncoderWritesTheVectorsCheckWouldPass() throws Exception {
    StunMessage request = StunMessage.parse(REQUEST, REQUEST.length);
    InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
    byte[] bytes =
        StunEncoder.responseTo(request, true)
            .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, mapped)
            .encode(StunIntegrity.shortTermKey(PASSWORD), true);
    StunMessage response = StunMessage.parse(bytes, bytes.length);
    assertThat(response.transactionId()).isEqualTo(request.transactionId());
    assertThat(response.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS)).isEqualTo(mapped);
    assertThat(StunIntegrity.verify(response, StunIntegrity.shortTermKey(PASSWORD))).isTrue();
    assertThat(StunIntegrity.fingerprintOk(response)).isTrue();
    // the XORed address is the vector's, octet for octet
    assertThat(
            HexFormat.of()
                .formatHex(Expected.attribute(response, StunAttributes.XOR_MAPPED_ADDRESS).value()))
        .isEqualTo("0001a147e112a643");
  }
}
