package dev.evertone.media.audio;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stereo recording written as it happens: 8 kHz, 16-bit little-endian PCM, two channels, in a
 * canonical 44-byte RIFF/WAVE header. Samples are appended as they come; the header's two sizes are
 * rewritten every {@code headerEveryBytes} and on {@link #close()}, so that a file cut off by a
 * crash is at most that much behind, and {@link #repair(Path)} puts its header right from the
 * file's length. Not thread-safe: one writer thread per file.
 */
public final class WavWriter implements Closeable {
  public static final int RATE = 8000;
  public static final int CHANNELS = 2;
  public static final int BITS = 16;

  /** The canonical header: RIFF, fmt (16 bytes of PCM format), data. */
  public static final int HEADER = 44;

  /** Bytes of one sample of both channels (the WAV block alignment). */
  public static final int BLOCK = CHANNELS * BITS / 8;

  /** Bytes of one second of audio. */
  public static final int BYTES_PER_SECOND = RATE * BLOCK;

  /** The largest data chunk a WAV file can describe (its sizes are 32-bit unsigned). */
  static final long MAX_DATA = 0xffff_ffffL - HEADER;

  private final FileChannel channel;
  private final long headerEveryBytes;
  private long dataBytes;
  private long headerAt;

  private WavWriter(FileChannel channel, long headerEveryBytes) {
    this.channel = channel;
    this.headerEveryBytes = headerEveryBytes;
  }

  /**
   * Creates {@code file} (which must not exist) with an empty recording's header.
   *
   * @param headerEveryBytes how often the header's sizes are brought up to date, in bytes of audio
   */
  public static WavWriter create(Path file, long headerEveryBytes) throws IOException {
    if (headerEveryBytes < BLOCK) {
      throw new IllegalArgumentException(
          "the header is updated every " + BLOCK + " bytes or more, was " + headerEveryBytes);
    }
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      WavWriter w = new WavWriter(channel, headerEveryBytes);
      channel.write(header(0), 0);
      return w;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Appends {@code length} bytes of interleaved samples (left, right; a multiple of {@link
   * #BLOCK}); past the WAV format's 4 GB the rest is dropped and false returned.
   */
  public boolean write(byte[] pcm, int offset, int length) throws IOException {
    if (length % BLOCK != 0) {
      throw new IllegalArgumentException("whole stereo samples (4 bytes each), was " + length);
    }
    int n = (int) Math.min(length, MAX_DATA - dataBytes);
    ByteBuffer b = ByteBuffer.wrap(pcm, offset, n);
    long at = HEADER + dataBytes;
    while (b.hasRemaining()) {
      at += channel.write(b, at);
    }
    dataBytes += n;
    if (dataBytes - headerAt >= headerEveryBytes) {
      updateHeader();
    }
    return n == length;
  }

  /** Bytes of audio written so far. */
  public long dataBytes() {
    return dataBytes;
  }

  /** Rewrites the header's sizes for what was written so far. */
  public void updateHeader() throws IOException {
    channel.write(header(dataBytes), 0);
    headerAt = dataBytes;
  }

  /** The header brought up to date, the file written to the disk and closed. */
  @Override
  public void close() throws IOException {
    try {
      updateHeader();
      channel.force(true);
    } finally {
      channel.close();
    }
  }

  /** The 44-byte header of a recording with {@code dataBytes} of audio. */
  static ByteBuffer header(long dataBytes) {
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII));
    h.putInt((int) (36 + dataBytes)); // the rest of the file after this field
    h.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII));
    h.putInt(16); // PCM's format chunk
    h.putShort((short) 1); // PCM
    h.putShort((short) CHANNELS);
    h.putInt(RATE);
    h.putInt(BYTES_PER_SECOND);
    h.putShort((short) BLOCK);
    h.putShort((short) BITS);
    h.put("data".getBytes(StandardCharsets.US_ASCII));
    h.putInt((int) dataBytes);
    return h.flip();
  }

  /**
   * What {@link #repair} did to a file.
   *
   * @param repaired whether its header (or a torn last sample) was put right
   * @param dataBytes the bytes of audio it holds now
   */
  public record Repair(boolean repaired, long dataBytes) {}

  /**
   * Puts right the header of a recording this class wrote that was cut off (a crash, a kill, a full
   * disk): its sizes are set from the file's length, a torn last sample is cut, and a file shorter
   * than a header gets one (an empty recording).
   *
   * @throws IOException when it cannot be read or written, or is a WAV file of another format
   *     (never changed then); the message says which
   */
  public static Repair repair(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (h.hasRemaining() && channel.read(h, h.position()) > 0) {
        // read what there is
      }
      h.flip();
      if (size >= 12 && !ours(h)) {
        throw new IOException(
            file
                + " is not a recording of evertone's (8 kHz 16-bit stereo PCM WAV); left as it is");
      }
      long data = Math.max(0, Math.min(MAX_DATA, size - HEADER));
      data -= data % BLOCK;
      boolean right =
          size == HEADER + data
              && h.limit() == HEADER
              && (h.getInt(4) & 0xffffffffL) == 36 + data
              && (h.getInt(40) & 0xffffffffL) == data;
      if (right) {
        return new Repair(false, data);
      }
      if (size > HEADER + data) {
        channel.truncate(HEADER + data);
      }
      channel.write(header(data), 0);
      channel.force(true);
      return new Repair(true, data);
    }
  }

  /** Whether a header (whole or cut) is one this class writes, as far as it goes. */
  private static boolean ours(ByteBuffer h) {
    ByteBuffer expected = header(0);
    for (int i = 0; i < h.limit(); i++) {
      boolean size = (i >= 4 && i < 8) || i >= 40;
      if (!size && h.get(i) != expected.get(i)) {
        return false;
      }
    }
    return true;
  }
}
