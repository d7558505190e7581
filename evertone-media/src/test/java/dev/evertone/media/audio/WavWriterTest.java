package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavWriterTest {
  @TempDir Path dir;

  private static final byte[] TENTH = new byte[WavWriter.BYTES_PER_SECOND / 10];

  /** The data size the header on disk names now. */
  private static long headerData(Path wav) throws IOException {
    byte[] h = new byte[44];
    try (var in = Files.newInputStream(wav)) {
      assertThat(in.readNBytes(h, 0, 44)).isEqualTo(44);
    }
    return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(40) & 0xffffffffL;
  }

  /** Frames and format as the JDK reads them: what any player sees. */
  private static long frames(Path wav) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      assertThat(in.getFormat().getChannels()).isEqualTo(2);
      assertThat(in.getFormat().getSampleRate()).isEqualTo(8000f);
      assertThat(in.getFormat().getSampleSizeInBits()).isEqualTo(16);
      return in.getFrameLength();
    }
  }

  @Test
  void theHeaderFollowsTheAudioEverySecondWhileItIsWrittenAndExactlyOnClose() throws Exception {
    Path wav = dir.resolve("call.wav");
    try (WavWriter w = WavWriter.create(wav, WavWriter.BYTES_PER_SECOND)) {
      assertThat(Files.size(wav)).isEqualTo(44);
      for (int i = 0; i < 9; i++) {
        w.write(TENTH, 0, TENTH.length);
      }
      // 0.9 s written, straight to the file; the header still says the last update (none)
      assertThat(Files.size(wav)).isEqualTo(44 + 9 * TENTH.length);
      assertThat(headerData(wav)).isZero();
      w.write(TENTH, 0, TENTH.length);
      assertThat(headerData(wav)).isEqualTo(WavWriter.BYTES_PER_SECOND);
      for (int i = 0; i < 5; i++) {
        w.write(TENTH, 0, TENTH.length);
      }
      assertThat(headerData(wav)).isEqualTo(WavWriter.BYTES_PER_SECOND);
    }
    assertThat(headerData(wav)).isEqualTo(WavWriter.BYTES_PER_SECOND * 3L / 2);
    assertThat(frames(wav)).isEqualTo(12_000);
  }

  @Test
  void aRecordingCutOffBetweenHeaderUpdatesIsRepairedToItsWholeLength() throws Exception {
    Path wav = dir.resolve("cut.wav");
    WavWriter w = WavWriter.create(wav, WavWriter.BYTES_PER_SECOND);
    for (int i = 0; i < 25; i++) {
      w.write(TENTH, 0, TENTH.length);
    }
    // a crash now: the file holds 2.5 s, its header says 2 s; and a torn last sample
    Files.write(wav, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    assertThat(headerData(wav)).isEqualTo(2L * WavWriter.BYTES_PER_SECOND);

    WavWriter.Repair repair = WavWriter.repair(wav);

    assertThat(repair.repaired()).isTrue();
    assertThat(repair.dataBytes()).isEqualTo(25L * TENTH.length);
    assertThat(Files.size(wav)).isEqualTo(44 + 25L * TENTH.length);
    assertThat(frames(wav)).isEqualTo(20_000);
    assertThat(WavWriter.repair(wav).repaired()).as("a second start changes nothing").isFalse();
  }

  @Test
  void aFileCutInsideItsHeaderBecomesAnEmptyRecording() throws Exception {
    Path wav = dir.resolve("short.wav");
    byte[] cut = new byte[20];
    WavWriter.header(0).get(cut);
    Files.write(wav, cut);

    assertThat(WavWriter.repair(wav)).isEqualTo(new WavWriter.Repair(true, 0));
    assertThat(frames(wav)).isZero();
  }

  @Test
  void aWavFileOfAnotherFormatIsRefusedAndLeftAsItIs() throws Exception {
    Path mono = dir.resolve("mono.wav");
    byte[] bytes = new byte[144];
    WavWriter.header(0).get(bytes, 0, 44);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(22, (short) 1); // one channel
    Files.write(mono, bytes);

    assertThatThrownBy(() -> WavWriter.repair(mono))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a recording of evertone's");
    assertThat(Files.readAllBytes(mono)).isEqualTo(bytes);
  }
}
