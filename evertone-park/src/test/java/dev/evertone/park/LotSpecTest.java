package dev.evertone.park;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LotSpecTest {
  @Test
  void aLotNamesItsExtensionSlotsAndTimeout() {
    LotSpec lot = LotSpec.parse("700@Example.com;slots=701-709;timeout=2m");
    assertThat(lot.id()).isEqualTo("700@example.com");
    assertThat(lot.size()).isEqualTo(9);
    assertThat(lot.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(lot.isSlot("701")).isTrue();
    assertThat(lot.isSlot("709")).isTrue();
    assertThat(lot.isSlot("710")).isFalse();
    assertThat(lot.isSlot("0701")).isFalse();
    assertThat(lot.isSlot("700")).isFalse();
  }

  @Test
  void withoutATimeoutALotWaitsSixtySeconds() {
    assertThat(LotSpec.parse("700@example.com;slots=701-702").timeout())
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aWrongLotIsRefusedNamingTheKeyAndTheFormExpected() {
    assertThatThrownBy(() -> LotSpec.parse("700@example.com"))
        .hasMessageContaining(
            "park.lots: '700@example.com' is not EXTENSION@DOMAIN;slots=FIRST-LAST")
        .hasMessageContaining("700@example.com;slots=701-709;timeout=60s");
    assertThatThrownBy(() -> LotSpec.parse("700@example.com;slots=709-701"))
        .hasMessageContaining("park.lots: slots 709-701");
    assertThatThrownBy(() -> LotSpec.parse("700@example.com;slots=1-500"))
        .hasMessageContaining("at most 100 slots");
    assertThatThrownBy(() -> LotSpec.parse("705@example.com;slots=701-709"))
        .hasMessageContaining("is one of its own slots");
    assertThatThrownBy(() -> LotSpec.parse("700@example.com;slots=701-709;timeout=2s"))
        .hasMessageContaining("must be 5s-1h");
  }

  @Test
  void twoLotsOfADomainMustNotShareANumber() {
    assertThatThrownBy(
            () ->
                new ParkSettings(
                    List.of(
                        LotSpec.parse("700@example.com;slots=701-709"),
                        LotSpec.parse("709@example.com;slots=710-719")),
                    3,
                    Duration.ZERO))
        .hasMessageContaining("park.lots: 709@example.com belongs to two lots");
    // the same numbers in another domain are another lot
    assertThat(
            new ParkSettings(
                    List.of(
                        LotSpec.parse("700@example.com;slots=701-709"),
                        LotSpec.parse("700@example.org;slots=701-709")),
                    3,
                    Duration.ZERO)
                .lots())
        .hasSize(2);
  }
}
