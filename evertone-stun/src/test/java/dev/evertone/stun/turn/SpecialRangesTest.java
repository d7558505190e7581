package dev.evertone.stun.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialRangesTest {
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "198.18.0.0, true",
    "198.19.255.255, true",
    "198.17.255.255, false",
    "198.20.0.0, false",
    "100.63.255.255, false",
    "100.64.0.0, true",
    "100.127.255.255, true",
    "100.128.0.0, false",
    "172.15.255.255, false",
    "172.31.255.255, true",
    "172.32.0.0, false",
    "192.0.0.9, true",
    "192.0.1.1, false",
    "255.255.255.255, true",
    "8.8.8.8, false",
    "2001:db8::1, true",
    "2001:4860::8888, false",
    "2001::1, true",
    "2002:c000:204::1, true",
    "fd12:3456::1, true",
    "fe80::1, true",
    "febf::1, true",
    "fec0::1, true",
    "ff00::1, false",
    "2606:4700::1111, false",
    "::ffff:10.0.0.1, true",
    "::ffff:8.8.8.8, false"
  })
  void notGloballyReachableRangesAreSpecial(String address, boolean special) throws Exception {
    assertThat(SpecialRanges.contains(InetAddress.getByName(address))).isEqualTo(special);
  }
}
