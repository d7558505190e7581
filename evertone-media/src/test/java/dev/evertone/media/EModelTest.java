package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The simplified E-model (ITU-T G.107) for G.711 with PLC. */
class EModelTest {
  @Test
  void aCleanStreamScoresAsG711Does() {
    // R = 93.2 - 0.24 (10 ms of jitter buffer) = 92.96
    assertThat(EModel.mos(0, 0)).isCloseTo(4.40, within(0.01));
  }

  @Test
  void lossAndJitterLowerTheScore() {
    assertThat(EModel.mos(0.01, 0)).isLessThan(EModel.mos(0, 0));
    assertThat(EModel.mos(0.05, 0)).isLessThan(EModel.mos(0.01, 0));
    // 20 % loss: Ie,eff = 95 * 20 / (20 + 25.1) = 42.1, R = 50.9
    assertThat(EModel.mos(0.2, 0)).isCloseTo(2.62, within(0.01));
    assertThat(EModel.mos(0, 150)).isLessThan(EModel.mos(0, 20));
    assertThat(EModel.mos(1, 500)).isEqualTo(1);
  }

  @Test
  void theScoreStaysWithinOneAndFourAndAHalf() {
    assertThat(EModel.fromR(-5)).isEqualTo(1);
    assertThat(EModel.fromR(3)).isGreaterThanOrEqualTo(1);
    assertThat(EModel.fromR(120)).isEqualTo(4.5);
  }
}
