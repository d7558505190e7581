package dev.evertone.media;

import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import dev.evertone.media.audio.JitterBuffer;
import dev.evertone.media.audio.WavWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording of one anchored call: a stereo WAV file, the caller on the left and the callee on
 * the right. Each party's packets are copied as the relay passes them on (an {@link RtpTap}: the
 * relayed packet is not delayed), decoded (G.711; another codec is logged and recorded as silence)
 * into a {@link JitterBuffer} per party, and the two are taken out together on each tick of the
 * loop's 20 ms clock, so that the channels stay aligned whatever the network did. The samples go to
 * the disk on {@code writer}, never on the event loop; the header is kept up to date as {@link
 * WavWriter} does.
 *
 * <p>It ends when {@link #stop()} is called or the call's session closes; the listener is told on
 * the writer thread once the file is complete.
 */
public final class CallRecorder {
  private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);

  /** Frames handed to the writer at once: 200 ms. */
  static final int FRAMES_PER_CHUNK = 10;

  private static final int CHUNK_BYTES = FRAMES_PER_CHUNK * AudioClip.FRAME * WavWriter.BLOCK;

  /** Payload types of comfort noise (RFC 3389; 19 is its old number): silence, not a codec. */
  private static final int CN = 13;

  private static final int OLD_CN = 19;

  /** How long the announcement waits for both parties' codecs before it goes with one. */
  private static final int ANNOUNCE_WAIT_TICKS = 100;

  /** How long it waits at all: a call with no G.711 audio from anyone gets none. */
  private static final int ANNOUNCE_GIVE_UP_TICKS = 500;

  /**
   * How a recording is made.
   *
   * @param jitterDelay how far behind each party's first packet the recording runs (the delay that
   *     lets late and reordered packets find their place): 20-500 ms
   * @param maxBacklog how much audio may wait for the disk; past it, audio is dropped (and logged)
   *     rather than held in memory: 1 s or more
   * @param headerEvery how often the file's header is brought up to date: what a crash can lose
   * @param announcement played to both parties when the recording starts (null: nothing)
   */
  public record Options(
      Duration jitterDelay,
      Duration maxBacklog,
      Duration headerEvery,
      @Nullable AudioClip announcement) {
    public Options {
      if (jitterDelay.toMillis() < 20 || jitterDelay.toMillis() > 500) {
        throw new IllegalArgumentException(
            "the recording's jitter delay must be 20-500 ms, was " + jitterDelay);
      }
      if (maxBacklog.toMillis() < 1000) {
        throw new IllegalArgumentException(
            "the recording's backlog must be 1 s or more, was " + maxBacklog);
      }
      if (headerEvery.toMillis() < 20) {
        throw new IllegalArgumentException(
            "the header is updated every 20 ms or more, was " + headerEvery);
      }
    }

    /** A 60 ms jitter delay, 10 s of backlog, the header every second, no announcement. */
    public static Options defaults() {
      return new Options(
          Duration.ofMillis(60), Duration.ofSeconds(10), Duration.ofSeconds(1), null);
    }
  }

  /** Told once a recording has ended and its file is complete (or failed). */
  @FunctionalInterface
  public interface Listener {
    /**
     * {@code recorder} ended with {@code dataBytes} of audio in its file; {@code failure} is why
     * writing stopped early, null when it did not. Called on the writer thread.
     */
    void ended(CallRecorder recorder, long dataBytes, @Nullable IOException failure);
  }

  private final RelaySession session;
  private final Path file;
  private final WavWriter wav;
  private final Executor writer;
  private final Listener listener;
  private final @Nullable AudioClip announcement;
  private final int maxChunks;
  private final AtomicInteger pending = new AtomicInteger();
  private final CompletableFuture<Long> done = new CompletableFuture<>();

  // on the event loop only
  private final Side caller;
  private final Side callee;
  private final short[] left = new short[AudioClip.FRAME];
  private final short[] right = new short[AudioClip.FRAME];
  private byte[] chunk = new byte[CHUNK_BYTES];
  private int chunkAt;
  private boolean finished;
  private boolean announcing;
  private int ticks;
  private long dropped;

  // on the writer thread only
  private @Nullable IOException failure;

  /** One party's audio on its way into the file. */
  private final class Side {
    final String who;
    final JitterBuffer buffer;
    final byte[] payload = new byte[1280];
    final short[] pcm = new short[1280];
    @Nullable G711 law;
    int payloadType = -1;
    boolean warned;

    Side(String who, int depth) {
      this.who = who;
      // room for a second of audio: a party whose clock runs ahead restarts it at most then
      this.buffer = new JitterBuffer(depth, depth + 50);
    }

    void packet(ByteBuf content, int at, int length, @Nullable G711 codec) {
      int header = RtpPackets.headerLength(content, at, length);
      if (header < 0) {
        return;
      }
      int size = length - header;
      if ((content.getUnsignedByte(at) & 0x20) != 0) {
        size -= content.getUnsignedByte(at + length - 1); // RFC 3550 5.1: padding
      }
      int pt = RtpPackets.payloadType(content, at);
      if (codec == null) {
        if (pt != CN && pt != OLD_CN && !warned) {
          warned = true;
          log.info(
              "call {}: the {} sends payload type {}, which evertone does not decode (G.711 only):"
                  + " the {}'s side of the recording is silence",
              session.callId(),
              who,
              pt,
              who);
        }
        return;
      }
      int n = Math.min(size, payload.length);
      if (n <= 0) {
        return;
      }
      content.getBytes(at + header, payload, 0, n);
      codec.decode(payload, 0, n, pcm, 0);
      buffer.put(RtpPackets.timestamp(content, at), RtpPackets.ssrc(content, at), pcm, 0, n);
      law = codec;
      payloadType = pt;
    }
  }

  private CallRecorder(
      RelaySession session,
      Path file,
      WavWriter wav,
      Executor writer,
      Options options,
      Listener listener) {
    this.session = session;
    this.file = file;
    this.wav = wav;
    this.writer = writer;
    this.listener = listener;
    this.announcement = options.announcement();
    this.announcing = announcement != null;
    int depth = (int) Math.max(1, options.jitterDelay().toMillis() / 20);
    this.caller = new Side("caller", depth);
    this.callee = new Side("callee", depth);
    this.maxChunks = (int) Math.max(1, options.maxBacklog().toMillis() / (FRAMES_PER_CHUNK * 20L));
  }

  /**
   * Starts recording {@code session} into {@code file}, which must not exist.
   *
   * @param writer where the file is written: one thread, running its tasks in order
   * @throws IOException when the file cannot be created
   * @throws IllegalStateException when the session has closed (the call ended)
   */
  public static CallRecorder start(
      RelaySession session, Path file, Executor writer, Options options, Listener listener)
      throws IOException {
    long headerEvery =
        Math.max(
            WavWriter.BLOCK,
            options.headerEvery().toMillis()
                * WavWriter.BYTES_PER_SECOND
                / 1000
                / WavWriter.BLOCK
                * WavWriter.BLOCK);
    WavWriter wav = WavWriter.create(file, headerEvery);
    CallRecorder recorder = new CallRecorder(session, file, wav, writer, options, listener);
    boolean started;
    try {
      started = session.fromLoop(recorder::attach);
    } catch (RuntimeException e) {
      wav.close();
      throw e;
    }
    if (!started) {
      wav.close();
      throw new IllegalStateException(
          "the media session of call " + session.callId() + " has ended: nothing to record");
    }
    return recorder;
  }

  /** On the loop: the taps on both legs and the clock's tick; false if the session has closed. */
  private boolean attach() {
    if (!session.isOpen()) {
      return false;
    }
    RtpTap tap = this::packet;
    session.a().tap(tap);
    session.b().tap(tap);
    session.clock().add(this::tick);
    return true;
  }

  private void packet(RelayLeg leg, ByteBuf content, int at, int length, @Nullable G711 law) {
    try {
      (leg == session.a() ? caller : callee).packet(content, at, length, law);
    } catch (RuntimeException e) {
      // the relay goes on whatever a recording makes of a packet
      log.debug("call {}: a packet not recorded: {}", session.callId(), e.toString());
    }
  }

  /** The file being written. */
  public Path file() {
    return file;
  }

  /** The call recorded. */
  public String callId() {
    return session.callId();
  }

  /** Completes with the bytes of audio written once the file is complete. */
  public CompletableFuture<Long> done() {
    return done;
  }

  /**
   * Stops recording (the call goes on); the file is completed on the writer thread: {@link
   * #done()}.
   */
  public void stop() {
    session.onLoop(this::finish);
  }

  private boolean tick(long nowNanos) {
    if (finished) {
      return false;
    }
    if (!session.isOpen()) {
      finish();
      return false;
    }
    ticks++;
    if (announcing) {
      announce();
    }
    if (!caller.buffer.next(left)) {
      java.util.Arrays.fill(left, (short) 0); // a party not heard (yet, or on hold): silence
    }
    if (!callee.buffer.next(right)) {
      java.util.Arrays.fill(right, (short) 0);
    }
    for (int i = 0; i < AudioClip.FRAME; i++) {
      // little-endian, left then right (the WAV sample order)
      chunk[chunkAt++] = (byte) left[i];
      chunk[chunkAt++] = (byte) (left[i] >> 8);
      chunk[chunkAt++] = (byte) right[i];
      chunk[chunkAt++] = (byte) (right[i] >> 8);
    }
    if (chunkAt == chunk.length) {
      flush();
    }
    return true;
  }

  /**
   * The recording announcement, once each party's codec is known: each party is sent the prompt in
   * the law the other party sends (the one the two negotiated), in place of the other's audio until
   * it ends (a party already hearing something of evertone's, music on hold, keeps it).
   */
  private void announce() {
    AudioClip clip = announcement;
    if (clip == null) {
      announcing = false;
      return;
    }
    boolean both = caller.law != null && callee.law != null;
    boolean one = caller.law != null || callee.law != null;
    if (!both && !(one && ticks >= ANNOUNCE_WAIT_TICKS)) {
      if (ticks >= ANNOUNCE_GIVE_UP_TICKS) {
        announcing = false;
        log.info(
            "call {}: no G.711 audio from either party: the recording is not announced",
            session.callId());
      }
      return;
    }
    announcing = false;
    playTo(session.a(), callee.law != null ? callee : caller, clip);
    playTo(session.b(), caller.law != null ? caller : callee, clip);
  }

  private void playTo(RelayLeg leg, Side heard, AudioClip clip) {
    G711 law = heard.law;
    if (law == null || leg.isPlaying()) {
      return;
    }
    leg.receives(law, heard.payloadType);
    if (!leg.play(clip, false)) {
      log.info("call {}: the recording announcement could not be played", session.callId());
    }
  }

  /**
   * On the loop: the taps off, what is left written and the file completed; the tick leaves the
   * clock by returning false (the clock's list is not changed while it runs it).
   */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    session.a().tap(null);
    session.b().tap(null);
    if (chunkAt > 0) {
      flush();
    }
    if (dropped > 0) {
      log.warn(
          "call {}: {} ms of the recording were dropped: the disk did not keep up",
          session.callId(),
          dropped * FRAMES_PER_CHUNK * 20);
    }
    try {
      writer.execute(this::complete);
    } catch (RejectedExecutionException e) {
      // the writer has stopped (the server is closing): the file is repaired at the next start
      done.complete(wav.dataBytes());
    }
  }

  private void flush() {
    byte[] full = chunk;
    int length = chunkAt;
    chunk = new byte[CHUNK_BYTES];
    chunkAt = 0;
    if (pending.incrementAndGet() > maxChunks) {
      pending.decrementAndGet();
      dropped++;
      return;
    }
    try {
      writer.execute(() -> write(full, length));
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet(); // the writer has stopped: completed below, or repaired at start
    }
  }

  /** On the writer thread. */
  private void write(byte[] pcm, int length) {
    try {
      if (failure == null && !wav.write(pcm, 0, length)) {
        failure = new IOException(file + " reached the 4 GB a WAV file can hold");
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      pending.decrementAndGet();
    }
    if (failure != null) {
      session.onLoop(this::finish); // nothing more to write: the taps come off
    }
  }

  /** On the writer thread: the header brought up to date and the file closed. */
  private void complete() {
    try {
      wav.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      }
    }
    long bytes = wav.dataBytes();
    try {
      listener.ended(this, bytes, failure);
    } catch (RuntimeException e) {
      log.warn("call {}: the recording's listener failed", session.callId(), e);
    }
    done.complete(bytes);
  }
}
