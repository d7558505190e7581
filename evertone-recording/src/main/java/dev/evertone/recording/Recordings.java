package dev.evertone.recording;

import dev.evertone.media.CallRecorder;
import dev.evertone.media.RelaySession;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.WavWriter;
import dev.evertone.proxy.CallRecords;
import dev.evertone.proxy.MediaAnchor;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings of one node: stereo WAV files in {@link RecordingConfig#directory()}, each with
 * its description beside it ({@code <id>.properties}: the call, its parties, when, who started it,
 * its state), so that the directory alone says everything and survives a restart.
 *
 * <p>A recording starts when an anchored call of a domain whose policy is {@code all} is answered,
 * or when the API asks for it (refused when the policy is {@code never}), and ends with the call or
 * when the API stops it. Files are written on one writer thread, never on a media thread. At start
 * every file is checked: one cut off by a crash or a kill gets its header repaired.
 */
public final class Recordings implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recordings.class);

  /** What a recording's name looks like: when it started (UTC) and 32 random bits. */
  static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{8}");

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** The built-in prompt of {@link RecordingConfig#announce()}. */
  static final String ANNOUNCEMENT = "/dev/evertone/media/sounds/call-recorded.wav";

  /** How long stopping a recording waits for its file to be complete. */
  private static final long STOP_WAIT_SECONDS = 10;

  /** "policy" as the starter of a recording the policy started. */
  static final String BY_POLICY = "policy";

  private final RecordingConfig config;
  private final MediaAnchor media;
  private final CallRecords calls;
  private final @Nullable AuditLog audit;
  private final Clock clock;
  private final CallRecorder.Options options;
  private final ExecutorService writer;
  private final ExecutorService control;
  private final Map<String, Recording> index = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Counter byPolicy;
  private final Counter byApi;
  private final Counter failedToStart;
  private final Counter failedWriting;
  private int repairedAtStart;

  /** A recording going on: its name and its recorder, by the call's Call-ID. */
  private record Running(String id, CallRecorder recorder) {}

  private Recordings(
      RecordingConfig config,
      MediaAnchor media,
      CallRecords calls,
      @Nullable AuditLog audit,
      MeterRegistry meters,
      Clock clock) {
    this.config = config;
    this.media = media;
    this.calls = calls;
    this.audit = audit;
    this.clock = clock;
    this.options =
        new CallRecorder.Options(
            config.jitterDelay(),
            config.maxBacklog(),
            Duration.ofSeconds(1),
            config.announce() ? announcement() : null);
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "recording-writer");
              t.setDaemon(true);
              return t;
            });
    this.control =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "recording-control");
              t.setDaemon(true);
              return t;
            });
    this.byPolicy = started(meters, BY_POLICY);
    this.byApi = started(meters, "api");
    this.failedToStart = failed(meters, "start");
    this.failedWriting = failed(meters, "write");
    Gauge.builder("evertone.recordings.active", running, Map::size)
        .description("Calls being recorded now")
        .register(meters);
  }

  private static Counter started(MeterRegistry meters, String by) {
    return Counter.builder("evertone.recordings.started")
        .description("Recordings started, by the policy (media.recording.policy) or the admin API")
        .tag("by", by)
        .register(meters);
  }

  private static Counter failed(MeterRegistry meters, String when) {
    return Counter.builder("evertone.recordings.failed")
        .description(
            "Recordings that could not start (no file, the call gone) or stopped writing early"
                + " (a full disk)")
        .tag("when", when)
        .register(meters);
  }

  /**
   * The recordings in {@code config}'s directory (created if need be), each file cut off by a crash
   * repaired, and calls of domains whose policy is {@code all} recorded from their answer on.
   *
   * @param audit where starts, stops and deletes asked for by someone are recorded; null: nowhere
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public static Recordings start(
      RecordingConfig config,
      MediaAnchor media,
      CallRecords calls,
      @Nullable AuditLog audit,
      MeterRegistry meters,
      Clock clock) {
    Recordings r = new Recordings(config, media, calls, audit, meters, clock);
    try {
      Files.createDirectories(config.directory());
      r.load();
    } catch (IOException e) {
      r.close();
      throw new UncheckedIOException(
          "media.recording.directory " + config.directory() + " cannot be used: " + e, e);
    }
    calls.onAnswered(r::answered);
    return r;
  }

  private static AudioClip announcement() {
    try (InputStream in = Recordings.class.getResourceAsStream(ANNOUNCEMENT)) {
      if (in == null) {
        throw new IllegalStateException("the built-in prompt " + ANNOUNCEMENT + " is missing");
      }
      return AudioClip.read(ANNOUNCEMENT, in, 60);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The settings in use. */
  public RecordingConfig config() {
    return config;
  }

  // ---- start-up: the directory read, cut-off files repaired

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(config.directory())) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(".properties.tmp")) {
          Files.deleteIfExists(f); // a description being replaced when the server stopped
        } else if (name.endsWith(".wav") && ID.matcher(id(f)).matches()) {
          Recording r = loadOne(f);
          if (r != null) {
            index.put(r.id(), r);
          }
        }
      }
    }
    log.info(
        "recordings in {}: {}{}",
        config.directory(),
        index.size(),
        repairedAtStart == 0 ? "" : ", " + repairedAtStart + " cut off by a stop and repaired");
  }

  private @Nullable Recording loadOne(Path wav) {
    String id = id(wav);
    WavWriter.Repair repair;
    try {
      repair = WavWriter.repair(wav);
    } catch (IOException e) {
      log.warn("recording {} left as it is: {}", wav, e.getMessage());
      return null;
    }
    try {
      Properties p = readMeta(meta(id));
      Recording described = fromMeta(id, p, wav);
      boolean cutOff = described.state() == Recording.State.RECORDING || repair.repaired();
      if (!cutOff && described.bytes() == WavWriter.HEADER + repair.dataBytes()) {
        return described;
      }
      Instant ended = Files.getLastModifiedTime(wav).toInstant();
      Recording r =
          new Recording(
              id,
              described.callId(),
              described.domain(),
              described.caller(),
              described.callee(),
              described.startedAt(),
              cutOff ? ended : described.endedAt(),
              seconds(repair.dataBytes()),
              WavWriter.HEADER + repair.dataBytes(),
              cutOff ? Recording.State.REPAIRED : described.state(),
              described.startedBy());
      if (cutOff) {
        repairedAtStart++;
        log.info(
            "recording {} of call {} was cut off (the server stopped while it went on); its header"
                + " is repaired: {} s",
            id,
            r.callId(),
            Math.round(r.durationSeconds()));
      }
      writeMeta(r);
      return r;
    } catch (IOException e) {
      log.warn("recording {}: its description cannot be read or written: {}", id, e.toString());
      return null;
    }
  }

  // ---- starting and stopping

  /** A call was answered (on a SIP thread): recorded when its domain's policy is all. */
  private void answered(CallRecords.Active call) {
    if (config.policyFor(call.domain()) != RecordingPolicy.ALL) {
      return;
    }
    try {
      control.execute(() -> byPolicy(call));
    } catch (RejectedExecutionException e) {
      log.debug("call {}: not recorded, the server is stopping", call.callId());
    }
  }

  private void byPolicy(CallRecords.Active call) {
    Optional<RelaySession> session = media.session(call.callId());
    if (session.isEmpty()) {
      log.debug("call {}: not anchored, so not recorded", call.callId());
      return;
    }
    try {
      begin(call, session.get(), BY_POLICY);
      byPolicy.increment();
    } catch (RuntimeException e) {
      failedToStart.increment();
      log.warn("call {}: not recorded: {}", call.callId(), e.getMessage());
    }
  }

  /**
   * Starts recording call {@code callId} for {@code actor}.
   *
   * @throws NotFoundException when no such call is in progress
   * @throws ConflictException when its audio does not pass through evertone, its domain's policy is
   *     never, or it is being recorded already; the message says which and what to change
   */
  public Recording start(String callId, Actor actor) {
    CallRecords.Active call =
        calls
            .active(callId)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no call in progress has the Call-ID '"
                            + callId
                            + "' (a call that ended is in GET /api/v1/calls)"));
    if (config.policyFor(call.domain()) == RecordingPolicy.NEVER) {
      throw new ConflictException(
          "calls of "
              + call.domain()
              + " are never recorded: "
              + config.policySource(call.domain())
              + " (on-demand or all allow it)");
    }
    RelaySession session =
        media
            .session(callId)
            .orElseThrow(
                () ->
                    new ConflictException(
                        "the audio of call "
                            + callId
                            + " does not pass through evertone (media.anchor is never, or the"
                            + " relay could not anchor it): it cannot be recorded"));
    Recording r;
    try {
      r = begin(call, session, actor.name());
    } catch (ConflictException e) {
      throw e;
    } catch (RuntimeException e) {
      failedToStart.increment();
      throw e;
    }
    byApi.increment();
    audit(actor, "recording.start", r.id(), "call " + callId);
    return r;
  }

  private synchronized Recording begin(CallRecords.Active call, RelaySession session, String by) {
    Running already = running.get(call.callId());
    if (already != null) {
      throw new ConflictException(
          "call " + call.callId() + " is being recorded already, as " + already.id());
    }
    Instant now = clock.instant();
    String id = newId(now);
    Recording r =
        new Recording(
            id,
            call.callId(),
            call.domain(),
            call.caller(),
            call.callee(),
            now,
            null,
            0,
            WavWriter.HEADER,
            Recording.State.RECORDING,
            by);
    try {
      writeMeta(r); // first: a file cut off by a crash is known by its description
      CallRecorder recorder = CallRecorder.start(session, wav(id), writer, options, this::ended);
      running.put(call.callId(), new Running(id, recorder));
      index.put(id, r);
    } catch (IOException e) {
      deleteQuietly(id);
      throw new UncheckedIOException("recording " + id + " cannot be written: " + e, e);
    } catch (IllegalStateException e) {
      deleteQuietly(id);
      throw new ConflictException(String.valueOf(e.getMessage()));
    }
    log.info(
        "call {} ({} to {}) recorded as {}, started by {}",
        call.callId(),
        call.caller(),
        call.callee(),
        id,
        by);
    return r;
  }

  /**
   * Stops recording call {@code callId} (the call goes on) and waits for its file to be complete.
   *
   * @throws NotFoundException when the call is not being recorded
   */
  public Recording stop(String callId, Actor actor) {
    Running r = running.get(callId);
    if (r == null) {
      throw new NotFoundException("call '" + callId + "' is not being recorded");
    }
    r.recorder().stop();
    await(r);
    audit(actor, "recording.stop", r.id(), "call " + callId);
    return find(r.id());
  }

  private static void await(Running r) {
    try {
      r.recorder().done().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("recording {}: its file was not complete within {} s", r.id(), STOP_WAIT_SECONDS);
    }
  }

  /** A recorder ended (the call ended, or it was stopped): on the writer thread. */
  private synchronized void ended(CallRecorder recorder, long dataBytes, @Nullable IOException e) {
    String id = id(recorder.file());
    Running r = running.get(recorder.callId());
    if (r != null && r.recorder() == recorder) {
      running.remove(recorder.callId());
    }
    Recording before = index.get(id);
    if (before == null) {
      return; // deleted meanwhile
    }
    if (e != null) {
      failedWriting.increment();
      log.warn("recording {} of call {} stopped early: {}", id, recorder.callId(), e.toString());
    }
    Recording after =
        new Recording(
            id,
            before.callId(),
            before.domain(),
            before.caller(),
            before.callee(),
            before.startedAt(),
            clock.instant(),
            seconds(dataBytes),
            WavWriter.HEADER + dataBytes,
            e == null ? Recording.State.COMPLETE : Recording.State.FAILED,
            before.startedBy());
    index.put(id, after);
    try {
      writeMeta(after);
    } catch (IOException io) {
      log.warn("recording {}: its description cannot be written: {}", id, io.toString());
    }
    log.info("recording {} of call {} ended: {} s", id, recorder.callId(), after.durationSeconds());
  }

  // ---- listing, download, deletion, retention

  /** The recordings, newest first, at most {@code limit}; of one domain or call when given. */
  public List<Recording> list(@Nullable String domain, @Nullable String callId, int limit) {
    List<Recording> out = new ArrayList<>();
    for (Recording r : index.values()) {
      if ((domain == null || r.domain().equalsIgnoreCase(domain))
          && (callId == null || r.callId().equals(callId))) {
        out.add(live(r));
      }
    }
    out.sort(Comparator.comparing(Recording::startedAt).reversed());
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /** A recording going on, with the size of its file now. */
  private Recording live(Recording r) {
    if (r.state() != Recording.State.RECORDING) {
      return r;
    }
    try {
      long size = Files.size(wav(r.id()));
      return new Recording(
          r.id(),
          r.callId(),
          r.domain(),
          r.caller(),
          r.callee(),
          r.startedAt(),
          null,
          seconds(Math.max(0, size - WavWriter.HEADER)),
          size,
          r.state(),
          r.startedBy());
    } catch (IOException e) {
      return r;
    }
  }

  /**
   * Recording {@code id}.
   *
   * @throws ValidationException when {@code id} is not a recording's name
   * @throws NotFoundException when there is none
   */
  public Recording find(String id) {
    if (!ID.matcher(id).matches()) {
      throw new ValidationException(
          "id", "'" + id + "' is not a recording id (e.g. 20261207-233512-3fa9c2d1)");
    }
    Recording r = index.get(id);
    if (r == null) {
      throw new NotFoundException(
          "there is no recording " + id + " (deleted, expired, or on another node)");
    }
    return live(r);
  }

  /**
   * Complete recording {@code id}, a WAV file, to read; the caller closes it.
   *
   * @throws ConflictException while it is being recorded (its header is not final)
   */
  public InputStream open(String id) throws IOException {
    Recording r = find(id);
    if (r.state() == Recording.State.RECORDING) {
      throw new ConflictException(
          "recording "
              + id
              + " goes on: stop it first (DELETE /api/v1/calls/{call-id}/recording, or 'evertone"
              + " calls stop-recording "
              + r.callId()
              + "') or wait for the call to end");
    }
    try {
      return Files.newInputStream(wav(id));
    } catch (NoSuchFileException e) {
      throw new NotFoundException("recording " + id + " has been deleted");
    }
  }

  /**
   * Deletes recording {@code id}, as {@code actor} (audited).
   *
   * @throws ConflictException while it is being recorded
   */
  public synchronized Recording delete(String id, Actor actor) {
    Recording r = find(id);
    if (r.state() == Recording.State.RECORDING) {
      throw new ConflictException(
          "recording "
              + id
              + " goes on: stop it first (DELETE /api/v1/calls/{call-id}/recording, or 'evertone"
              + " calls stop-recording "
              + r.callId()
              + "')");
    }
    index.remove(id);
    deleteQuietly(id);
    audit(
        actor,
        "recording.delete",
        id,
        "call " + r.callId() + ", " + r.caller() + " to " + r.callee() + ", " + r.startedAt());
    return r;
  }

  /**
   * Deletes the recordings that started longer than {@code media.recording.retention} ago (none
   * when it is zero); returns how many.
   */
  public synchronized int expire() {
    if (config.retention().isZero()) {
      return 0;
    }
    Instant before = clock.instant().minus(config.retention());
    int deleted = 0;
    for (Recording r : List.copyOf(index.values())) {
      if (r.state() != Recording.State.RECORDING && r.startedAt().isBefore(before)) {
        index.remove(r.id());
        deleteQuietly(r.id());
        deleted++;
      }
    }
    return deleted;
  }

  /** How many recordings cut off by a crash or a kill were repaired when this started. */
  public int repairedAtStart() {
    return repairedAtStart;
  }

  /** Calls being recorded now. */
  public int recording() {
    return running.size();
  }

  /** Stops every recording (their files completed) and the writer. */
  @Override
  public void close() {
    control.shutdownNow();
    for (Running r : List.copyOf(running.values())) {
      try {
        r.recorder().stop();
        await(r);
      } catch (RuntimeException e) {
        log.warn("recording {} not completed: {}", r.id(), e.toString());
      }
    }
    writer.shutdown();
    try {
      if (!writer.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("recordings: the writer did not finish; the files are repaired at the next start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- files

  private void audit(Actor actor, String action, String target, String detail) {
    if (audit == null) {
      return;
    }
    try {
      audit.record(actor, clock.instant(), action, target, detail);
    } catch (RuntimeException e) {
      log.warn(
          "{} of {} by {} not in the audit log: {}", action, target, actor.name(), e.toString());
    }
  }

  private static String newId(Instant at) {
    return ID_TIME.format(at)
        + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }

  static double seconds(long dataBytes) {
    return Math.round(dataBytes * 100.0 / WavWriter.BYTES_PER_SECOND) / 100.0;
  }

  private static String id(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.'));
  }

  /** The audio file of recording {@code id}. */
  Path wav(String id) {
    return config.directory().resolve(id + ".wav");
  }

  private Path meta(String id) {
    return config.directory().resolve(id + ".properties");
  }

  private void deleteQuietly(String id) {
    for (Path p : new Path[] {wav(id), meta(id)}) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.warn("recording {}: {} cannot be deleted: {}", id, p, e.toString());
      }
    }
  }

  private void writeMeta(Recording r) throws IOException {
    Properties p = new Properties();
    p.setProperty("call-id", r.callId());
    p.setProperty("domain", r.domain());
    p.setProperty("caller", r.caller());
    p.setProperty("callee", r.callee());
    p.setProperty("started-at", r.startedAt().toString());
    if (r.endedAt() != null) {
      p.setProperty("ended-at", String.valueOf(r.endedAt()));
    }
    p.setProperty("bytes", Long.toString(r.bytes()));
    p.setProperty("state", r.state().wire());
    p.setProperty("started-by", r.startedBy());
    Path meta = meta(r.id());
    Path tmp = meta.resolveSibling(meta.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "evertone recording " + r.id() + " (stereo WAV: caller left, callee right)");
    }
    // replaced whole, never half-written
    Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Properties readMeta(Path meta) throws IOException {
    Properties p = new Properties();
    if (Files.exists(meta)) {
      try (InputStream in = Files.newInputStream(meta)) {
        p.load(in);
      }
    }
    return p;
  }

  /** A recording from its description; what is missing (a lost description) left blank. */
  private static Recording fromMeta(String id, Properties p, Path wav) throws IOException {
    Instant started;
    try {
      started = Instant.parse(p.getProperty("started-at", ""));
    } catch (java.time.format.DateTimeParseException e) {
      started = Files.getLastModifiedTime(wav).toInstant();
    }
    Instant ended = null;
    try {
      ended = Instant.parse(p.getProperty("ended-at", ""));
    } catch (java.time.format.DateTimeParseException e) {
      // none: it went on when the server stopped, or the description is lost
    }
    Recording.State state = Recording.State.RECORDING;
    for (Recording.State s : Recording.State.values()) {
      if (s.wire().equals(p.getProperty("state"))) {
        state = s;
      }
    }
    long bytes;
    try {
      bytes = Long.parseLong(p.getProperty("bytes", "-1"));
    } catch (NumberFormatException e) {
      bytes = -1;
    }
    return new Recording(
        id,
        p.getProperty("call-id", ""),
        p.getProperty("domain", ""),
        p.getProperty("caller", ""),
        p.getProperty("callee", ""),
        started,
        ended,
        seconds(Math.max(0, bytes - WavWriter.HEADER)),
        bytes,
        state,
        p.getProperty("started-by", ""));
  }
}
