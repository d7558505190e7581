package dev.evertone.tests.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * What a recording sounds like, checked rather than assumed: the share of a frequency's energy in
 * the signal (a Goertzel filter), over the non-silent part of a WAV file.
 */
public final class Tones {
  private Tones() {}

  /** The samples of one channel of a 16-bit PCM WAV file, as -1..1. */
  public static double[] samples(Path wav, int channel) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat f = in.getFormat();
      if (f.getSampleSizeInBits() != 16) {
        throw new IOException(wav + " is not 16-bit PCM: " + f);
      }
      byte[] bytes = in.readAllBytes();
      ByteBuffer b =
          ByteBuffer.wrap(bytes)
              .order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      int channels = f.getChannels();
      int frames = bytes.length / (2 * channels);
      double[] out = new double[frames];
      for (int i = 0; i < frames; i++) {
        out[i] = b.getShort((i * channels + channel) * 2) / 32768.0;
      }
      return out;
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(wav + " is not a WAV file the JDK reads: " + e.getMessage(), e);
    }
  }

  /** The sample rate of a WAV file. */
  public static float rate(Path wav) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      return in.getFormat().getSampleRate();
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(wav + " is not a WAV file the JDK reads: " + e.getMessage(), e);
    }
  }

  /**
   * For each block of 20 ms that is not silent, the share (0..1) of its energy at {@code
   * frequency}; a pure tone gives about 1, another tone about 0, noise a little.
   */
  public static List<Double> shares(double[] samples, float rate, double frequency) {
    int n = (int) (rate / 50);
    List<Double> shares = new ArrayList<>();
    for (int start = 0; start + n <= samples.length; start += n) {
      double energy = 0;
      for (int i = start; i < start + n; i++) {
        energy += samples[i] * samples[i];
      }
      if (energy / n < 1e-5) {
        continue; // silence (below about -50 dBFS)
      }
      // Goertzel: the power of the DFT bin nearest the frequency, as a share of the total
      // (Parseval)
      double w = 2 * Math.PI * Math.round(frequency * n / rate) / n;
      double coeff = 2 * Math.cos(w);
      double s1 = 0;
      double s2 = 0;
      for (int i = start; i < start + n; i++) {
        double s0 = samples[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
      shares.add(Math.min(1, 2 * power / (n * energy)));
    }
    return shares;
  }

  /**
   * Writes {@code seconds} of a sine tone at half of full scale: 16-bit mono PCM at {@code rate}.
   */
  public static Path write(Path wav, double hertz, double seconds, float rate) throws IOException {
    int n = (int) (seconds * rate);
    byte[] pcm = new byte[2 * n];
    ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort((short) (16384 * Math.sin(2 * Math.PI * hertz * i / rate)));
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    try (AudioInputStream in =
        new AudioInputStream(new java.io.ByteArrayInputStream(pcm), format, n)) {
      AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, wav.toFile());
    }
    return wav;
  }

  /** Whether a WAV file exists and has more than a header. */
  public static boolean recorded(Path wav) throws IOException {
    return Files.exists(wav) && Files.size(wav) > 44;
  }
}
