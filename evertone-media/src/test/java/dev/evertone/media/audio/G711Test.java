package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** G.711 against the values of the recommendation's tables and its error bounds. */
class G711Test {
  @Test
  void silenceIsTheCodeEveryPhoneSendsForIt() {
    assertThat(G711.PCMU.encode((short) 0)).isEqualTo((byte) 0xff);
    assertThat(G711.PCMA.encode((short) 0)).isEqualTo((byte) 0xd5);
    assertThat(G711.PCMU.decode((byte) 0xff)).isEqualTo((short) 0);
    assertThat(G711.PCMA.decode((byte) 0xd5)).isEqualTo((short) 8);
    assertThat(G711.PCMA.decode((byte) 0x55)).isEqualTo((short) -8);
  }

  @Test
  void theLoudestCodesDecodeToTheEndsOfTheScale() {
    assertThat(G711.PCMU.decode((byte) 0x80)).isEqualTo((short) 32124);
    assertThat(G711.PCMU.decode((byte) 0x00)).isEqualTo((short) -32124);
    assertThat(G711.PCMA.decode((byte) 0xaa)).isEqualTo((short) 32256);
    assertThat(G711.PCMA.decode((byte) 0x2a)).isEqualTo((short) -32256);
    assertThat(G711.PCMU.encode(Short.MAX_VALUE)).isEqualTo((byte) 0x80);
    assertThat(G711.PCMA.encode(Short.MIN_VALUE)).isEqualTo((byte) 0x2a);
  }

  @Test
  void everyCodeSurvivesADecodeAndAnEncode() {
    for (G711 law : G711.values()) {
      for (int code = 0; code < 256; code++) {
        byte b = (byte) code;
        byte again = law.encode(law.decode(b));
        // µ-law has two codes for zero (0x7f and 0xff); all others are their own round trip
        if (law == G711.PCMU && code == 0x7f) {
          assertThat(again).isEqualTo((byte) 0xff);
        } else {
          assertThat(again).as("%s code %02x", law, code).isEqualTo(b);
        }
      }
    }
  }

  @Test
  void theErrorOfEverySampleIsWithinHalfAStepOfItsSegment() {
    for (G711 law : G711.values()) {
      for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
        short back = law.decode(law.encode((short) s));
        // steps double per segment: at most 1/16 of the magnitude, and 16 near zero
        double bound = Math.max(law == G711.PCMU ? 4 : 8, Math.abs(s) / 16.0 + 8);
        assertThat((double) Math.abs(back - s))
            .as("%s %d -> %d", law, s, back)
            .isLessThanOrEqualTo(bound);
      }
    }
  }

  @Test
  void transcodingBetweenTheLawsKeepsAToneRecognisable() {
    short[] tone = new short[160];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (12_000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
    }
    byte[] ulaw = new byte[160];
    G711.PCMU.encode(tone, 0, 160, ulaw, 0);
    short[] pcm = new short[160];
    G711.PCMU.decode(ulaw, 0, 160, pcm, 0);
    byte[] alaw = new byte[160];
    G711.PCMA.encode(pcm, 0, 160, alaw, 0);
    short[] back = new short[160];
    G711.PCMA.decode(alaw, 0, 160, back, 0);
    double error = 0;
    double signal = 0;
    for (int i = 0; i < 160; i++) {
      error += Math.pow(back[i] - tone[i], 2);
      signal += Math.pow(tone[i], 2);
    }
    // G.711 gives about 38 dB of signal to quantisation noise; two passes stay above 30 dB
    assertThat(10 * Math.log10(signal / error)).isGreaterThan(30);
  }

  @Test
  void theLawsAreFoundByNameAndPayloadType() {
    assertThat(G711.named("pcmu")).isEqualTo(G711.PCMU);
    assertThat(G711.named("PCMA")).isEqualTo(G711.PCMA);
    assertThat(G711.named("opus")).isNull();
    assertThat(G711.ofPayloadType(0)).isEqualTo(G711.PCMU);
    assertThat(G711.ofPayloadType(8)).isEqualTo(G711.PCMA);
    assertThat(G711.ofPayloadType(9)).isNull();
  }
}
