package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flow tokens (RFC 5626 5.2) in this proxy's Record-Route entries: every transport and address
 * comes back as it went in, a token the cluster did not make is refused, and the transport codes
 * stay those of the tokens in dialogs that are up now.
 */
class FlowTokenTest {
  private static final byte[] SECRET =
      "the cluster's shared secret, 32+".getBytes(StandardCharsets.US_ASCII);
  private final FlowToken tokens = new FlowToken(SECRET);

  @ParameterizedTest
  @EnumSource(TransportType.class)
  void aTokenNamesTheTransportAndAddressItWasMadeFor(TransportType transport) throws Exception {
    for (InetSocketAddress peer :
        new InetSocketAddress[] {
          new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 5062),
          new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 65_535)
        }) {
      assertThat(tokens.decode(tokens.encode(transport, peer)))
          .isEqualTo(Destination.of(transport, peer));
    }
  }

  @Test
  void theTransportCodesAreThoseOfEarlierVersions() throws Exception {
    InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 5060);
    TransportType[] byCode = {
      TransportType.UDP, TransportType.TCP, TransportType.TLS, TransportType.WS, TransportType.WSS
    };
    for (int code = 0; code < byCode.length; code++) {
      byte[] raw = Base64.getUrlDecoder().decode(tokens.encode(byCode[code], peer));
      assertThat(raw[0]).as("%s", byCode[code]).isEqualTo((byte) code);
    }
  }

  @Test
  void aTokenOfAnotherSecretOrChangedOrMadeUpIsRefused() throws Exception {
    InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 5060);
    String token = tokens.encode(TransportType.UDP, peer);
    FlowToken other =
        new FlowToken("another cluster's secret, also 32".getBytes(StandardCharsets.US_ASCII));
    assertThat(other.decode(token)).isNull();
    byte[] raw = Base64.getUrlDecoder().decode(token);
    raw[raw.length - 10] ^= 1; // another port (before the 8 bytes of MAC), the same MAC
    assertThat(tokens.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(raw))).isNull();
    assertThat(tokens.decode("AH8AAAET2CDCDG3avaSd")).isNull();
    assertThat(tokens.decode("not base64!")).isNull();
    assertThat(tokens.decode(null)).isNull();
  }
}
