package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

/** WAV files of the formats people have, read as 8 kHz mono; what is refused says why. */
class AudioClipTest {
  /** A WAV file of a {@code hertz} tone: {@code seconds} long, 16-bit PCM at {@code rate}. */
  private static byte[] wav(double hertz, double seconds, float rate, int channels)
      throws IOException {
    int n = (int) (seconds * rate);
    ByteBuffer b = ByteBuffer.allocate(2 * n * channels).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      short s = (short) (10_000 * Math.sin(2 * Math.PI * hertz * i / rate));
      for (int c = 0; c < channels; c++) {
        b.putShort(s);
      }
    }
    AudioFormat format = new AudioFormat(rate, 16, channels, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(b.array()), format, n),
        AudioFileFormat.Type.WAVE,
        out);
    return out.toByteArray();
  }

  /** The share of {@code hertz} in the clip's energy (one DFT bin over the whole clip). */
  private static double share(AudioClip clip, double hertz) {
    short[] s = clip.samples();
    double re = 0;
    double im = 0;
    double energy = 0;
    for (int i = 0; i < s.length; i++) {
      double w = 2 * Math.PI * hertz * i / 8000.0;
      re += s[i] * Math.cos(w);
      im += s[i] * Math.sin(w);
      energy += (double) s[i] * s[i];
    }
    return 2 * (re * re + im * im) / (s.length * energy);
  }

  @Test
  void aToneAt48KilohertzStereoBecomesTheSameToneAt8KilohertzMono() throws IOException {
    AudioClip clip =
        AudioClip.read("tone.wav", new ByteArrayInputStream(wav(440, 2, 48_000, 2)), 60);
    assertThat(clip.frames()).isEqualTo(100); // 2 s of 20 ms frames
    assertThat(share(clip, 440)).isGreaterThan(0.9);
  }

  @Test
  void aToneAt8KilohertzIsReadSampleForSample() throws IOException {
    AudioClip clip =
        AudioClip.read("tone.wav", new ByteArrayInputStream(wav(1000, 1, 8000, 1)), 60);
    assertThat(clip.frames()).isEqualTo(50);
    assertThat(share(clip, 1000)).isGreaterThan(0.95);
    // its G.711 encodings are 160 bytes a frame
    assertThat(clip.encoded(G711.PCMU)).hasSize(50 * 160);
    assertThat(clip.encoded(G711.PCMA)).hasSize(50 * 160);
  }

  @Test
  void aClipLongerThanTheLimitIsRefusedWithTheLimit() {
    assertThatThrownBy(
            () -> AudioClip.read("long.wav", new ByteArrayInputStream(wav(440, 3, 8000, 1)), 2))
        .isInstanceOf(IOException.class)
        .hasMessage("long.wav is longer than 2 s, the longest clip accepted");
  }

  @Test
  void somethingThatIsNotAWavFileIsRefusedSayingWhatIsAccepted() {
    assertThatThrownBy(
            () ->
                AudioClip.read(
                    "song.mp3",
                    new ByteArrayInputStream(
                        "ID3 not audio".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    60))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "song.mp3 is not a WAV file evertone reads; accepted: WAV with PCM, µ-law or A-law");
  }

  @Test
  void theBuiltInMusicAndPromptsAreEightKilohertzAndNotSilent() throws IOException {
    for (String name : new String[] {"music-on-hold", "call-recorded", "call-parked", "digit-7"}) {
      try (InputStream in =
          AudioClip.class.getResourceAsStream("/dev/evertone/media/sounds/" + name + ".wav")) {
        assertThat(in).as(name).isNotNull();
        AudioClip clip = AudioClip.read(name, in, 600);
        double energy = 0;
        for (short s : clip.samples()) {
          energy += (double) s * s;
        }
        assertThat(Math.sqrt(energy / (clip.frames() * 160.0)))
            .as(name + " RMS")
            .isGreaterThan(500);
      }
    }
  }
}
