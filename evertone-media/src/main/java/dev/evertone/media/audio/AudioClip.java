package dev.evertone.media.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * A sound to play (a prompt, music on hold): 8 kHz 16-bit mono samples, read once from a WAV file
 * and kept in memory, with its G.711 encodings made on first use so that playing it is a copy of
 * 160 bytes per 20 ms. WAV files of other rates (16, 44.1, 48 kHz...), stereo, 8-bit, µ-law or
 * A-law are converted when loaded.
 */
public final class AudioClip {
  /** Samples per 20 ms frame at 8 kHz. */
  public static final int FRAME = 160;

  private final String name;
  private final short[] samples;
  private final Map<G711, byte[]> encoded = new EnumMap<>(G711.class);

  private AudioClip(String name, short[] samples) {
    this.name = name;
    // whole frames: the last one padded with silence
    int frames = Math.max(1, (samples.length + FRAME - 1) / FRAME);
    this.samples = java.util.Arrays.copyOf(samples, frames * FRAME);
  }

  /** A clip of the given 8 kHz samples. */
  public static AudioClip of(String name, short[] samples) {
    return new AudioClip(name, samples.clone());
  }

  /**
   * Reads a WAV file of any PCM, µ-law or A-law format the JDK reads, converted to 8 kHz mono.
   *
   * @param name how errors and logs name it (its path or resource)
   * @param maxSeconds the longest clip accepted: a clip lives in memory (16 kB per second)
   * @throws IOException when it cannot be read, is not such a WAV file, or is too long; the message
   *     says which and what is accepted
   */
  public static AudioClip read(String name, InputStream wav, int maxSeconds) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(wav))) {
      AudioFormat source = in.getFormat();
      float rate = source.getSampleRate();
      int channels = source.getChannels();
      if (rate < 4000 || rate > 192_000 || channels < 1 || channels > 8) {
        throw new IOException(
            name
                + ": "
                + rate
                + " Hz, "
                + channels
                + " channels; accepted: 4-192 kHz, 1-8 channels");
      }
      AudioFormat pcm = new AudioFormat(rate, 16, channels, true, false);
      AudioInputStream decoded;
      try {
        decoded = AudioSystem.getAudioInputStream(pcm, in);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            name
                + ": audio encoded as "
                + source.getEncoding()
                + " cannot be read; accepted: WAV with PCM (8, 16, 24 or 32 bits), µ-law or A-law",
            e);
      }
      long limit = ((long) (maxSeconds * (double) rate)) * channels * 2;
      byte[] bytes = decoded.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 2));
      if (bytes.length > limit) {
        throw new IOException(
            name + " is longer than " + maxSeconds + " s, the longest clip accepted");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int frames = bytes.length / (2 * channels);
      double[] mono = new double[frames];
      for (int i = 0; i < frames; i++) {
        int sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += b.getShort((i * channels + c) * 2);
        }
        mono[i] = (double) sum / channels;
      }
      return new AudioClip(name, resample(mono, rate));
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(
          name + " is not a WAV file evertone reads; accepted: WAV with PCM, µ-law or A-law", e);
    }
  }

  /**
   * To 8 kHz: each output sample is the mean of the input samples it covers (a box filter against
   * aliasing when the source is faster), linearly interpolated when it is slower.
   */
  static short[] resample(double[] in, float rate) {
    if (rate == 8000f) {
      short[] out = new short[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = clip(in[i]);
      }
      return out;
    }
    double step = rate / 8000.0;
    int n = (int) (in.length / step);
    short[] out = new short[n];
    for (int i = 0; i < n; i++) {
      double start = i * step;
      if (step > 1) {
        int from = (int) start;
        int to = Math.min(in.length, (int) Math.ceil(start + step));
        double sum = 0;
        for (int j = from; j < to; j++) {
          sum += in[j];
        }
        out[i] = clip(sum / Math.max(1, to - from));
      } else {
        int j = (int) start;
        double f = start - j;
        double next = j + 1 < in.length ? in[j + 1] : in[j];
        out[i] = clip(in[j] * (1 - f) + next * f);
      }
    }
    return out;
  }

  private static short clip(double v) {
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
  }

  /** Its name: a path or a resource. */
  public String name() {
    return name;
  }

  /** Its length in 20 ms frames (at least one). */
  public int frames() {
    return samples.length / FRAME;
  }

  /** A copy of its 8 kHz samples (whole frames). */
  public short[] samples() {
    return samples.clone();
  }

  /**
   * The clip encoded with {@code law}: {@link #frames()} times 160 bytes, shared, not to change.
   */
  public synchronized byte[] encoded(G711 law) {
    return encoded.computeIfAbsent(
        law,
        l -> {
          byte[] out = new byte[samples.length];
          l.encode(samples, 0, samples.length, out, 0);
          return out;
        });
  }

  @Override
  public String toString() {
    return name + " (" + frames() * 20 / 1000.0 + " s)";
  }
}
