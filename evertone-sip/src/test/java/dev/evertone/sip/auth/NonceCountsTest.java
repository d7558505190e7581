package dev.evertone.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceCountsTest {
  @Test
  void eachCountOncePerNonceWithinAWindowOf64() {
    NonceCounts counts = new NonceCounts(300_000, 0);
    assertThat(counts.accept(42, 1, 0)).isTrue();
    assertThat(counts.accept(42, 1, 0)).isFalse();
    assertThat(counts.accept(42, 5, 0)).isTrue();
    assertThat(counts.accept(42, 3, 0)).isTrue(); // late, but not seen before
    assertThat(counts.accept(42, 3, 0)).isFalse();
    assertThat(counts.accept(42, 200, 0)).isTrue();
    assertThat(counts.accept(42, 100, 0)).isFalse(); // too far behind to know: refused
    assertThat(counts.accept(7, 1, 0)).isTrue(); // another nonce is independent
    assertThat(counts.accept(0, 0, 0)).isTrue(); // id 0 and nc 0 (no qop) work too
    assertThat(counts.accept(0, 0, 0)).isFalse();
  }

  @Test
  void countsSurviveOneRotationAndAreForgottenAfterTwo() {
    NonceCounts counts = new NonceCounts(1000, 0);
    assertThat(counts.accept(9, 1, 0)).isTrue();
    assertThat(counts.accept(9, 1, 1000))
        .isFalse(); // moved to the previous generation, still known
    assertThat(counts.accept(9, 2, 1500)).isTrue();
    assertThat(counts.size())
        .isEqualTo(2); // copied forward; the old copy leaves at the next rotation
    counts.accept(1, 1, 2000);
    counts.accept(2, 1, 3000);
    assertThat(counts.size()).isEqualTo(2);
  }

  @Test
  void growsToManyNonces() {
    NonceCounts counts = new NonceCounts(300_000, 0);
    for (long id = 1; id <= 100_000; id++) {
      assertThat(counts.accept(id * 7919, 1, 0)).isTrue();
    }
    for (long id = 1; id <= 100_000; id += 1000) {
      assertThat(counts.accept(id * 7919, 1, 0)).isFalse();
    }
    assertThat(counts.size()).isEqualTo(100_000);
  }
}
