package dev.evertone.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress behindProxies =
      new ClientAddress(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(new ClientAddress(List.of()).of("127.0.0.1", "203.0.113.7")).isEqualTo("127.0.0.1");
  }

  @Test
  void aRequestNotFromATrustedProxyIsItsPeersWhateverItsHeaderSays() {
    assertThat(behindProxies.of("198.51.100.9", "127.0.0.1")).isEqualTo("198.51.100.9");
    assertThat(behindProxies.of("198.51.100.9", null)).isEqualTo("198.51.100.9");
  }

  @Test
  void theLastAddressThatIsNotATrustedProxyIsTheClient() {
    assertThat(behindProxies.of("127.0.0.1", "203.0.113.7")).isEqualTo("203.0.113.7");
    // two proxies in a row (a load balancer, then nginx on this host)
    assertThat(behindProxies.of("127.0.0.1", "203.0.113.7, 10.1.2.3")).isEqualTo("203.0.113.7");
    assertThat(behindProxies.of("127.0.0.1", "203.0.113.7,fd00::5")).isEqualTo("203.0.113.7");
  }

  @Test
  void whatTheClientWroteBeforeItsOwnAddressIsNeverBelieved() {
    // a guesser at 203.0.113.7 sends "X-Forwarded-For: 192.0.2.1"; the proxy appends its address
    assertThat(behindProxies.of("127.0.0.1", "192.0.2.1, 203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(behindProxies.of("127.0.0.1", "10.0.0.1, 203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void garbageInTheHeaderFallsBackToTheLastProxy() {
    assertThat(behindProxies.of("127.0.0.1", "not-an-address")).isEqualTo("127.0.0.1");
    assertThat(behindProxies.of("127.0.0.1", "x, 10.0.0.9")).isEqualTo("10.0.0.9");
    assertThat(behindProxies.of("127.0.0.1", "")).isEqualTo("127.0.0.1");
  }

  @Test
  void ipv6PrefixesAndBracketedPeers() {
    ClientAddress v6 = new ClientAddress(List.of("2001:db8::/32"));
    assertThat(v6.of("2001:db8::1", "2001:db9::7")).isEqualTo("2001:db9::7");
    assertThat(v6.of("[2001:db8::1]", "198.51.100.1")).isEqualTo("198.51.100.1");
    assertThat(v6.of("2001:db9::1", "198.51.100.1")).isEqualTo("2001:db9::1");
  }
}
