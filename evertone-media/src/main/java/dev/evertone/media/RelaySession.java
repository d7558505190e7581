package dev.evertone.media;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The anchored media of one stream of a call: what the caller's party sends to {@link #a()} goes
 * out of {@link #b()} to the callee's party, and back, without decoding (both sides share the
 * codec). Both legs' four sockets live on one event loop, so that relaying is a send on the thread
 * that received.
 *
 * <p>Close it when the call ends: its ports return to the range. The relay closes it by itself
 * after the media timeout and tells its {@link MediaListener}.
 */
public final class RelaySession implements AutoCloseable {
  /** How long a caller waits for the event loop to apply a change or take statistics. */
  private static final long LOOP_WAIT_SECONDS = 5;

  private final String callId;
  private final EventLoop loop;
  private final MediaRelay relay;
  private final RelayLeg a;
  private final RelayLeg b;
  private volatile boolean open = true;
  private long lastActivityNanos; // on the event loop only
  private boolean active; // a party sent a packet: on the event loop only

  RelaySession(
      String callId,
      EventLoop loop,
      MediaRelay relay,
      PortPair aPorts,
      PortPair bPorts,
      MediaMeters meters) {
    this.callId = callId;
    this.loop = loop;
    this.relay = relay;
    MediaConfig config = relay.config();
    InetAddress sdp = config.sdpAddress();
    long relatch = config.relatchAfter().toNanos();
    this.a =
        new RelayLeg(
            this, MediaMeters.A_TO_B, aPorts, sdp, config.latchAnySource(), relatch, meters);
    this.b =
        new RelayLeg(
            this, MediaMeters.B_TO_A, bPorts, sdp, config.latchAnySource(), relatch, meters);
    this.lastActivityNanos = System.nanoTime();
  }

  MediaListener listener() {
    return relay.listener();
  }

  /** The call this session was opened for (a label for logs and the owner). */
  public String callId() {
    return callId;
  }

  /** The caller's side: the ports the caller's party sends to. */
  public RelayLeg a() {
    return a;
  }

  /** The callee's side. */
  public RelayLeg b() {
    return b;
  }

  /** Both legs' statistics, taken together. */
  public SessionStats stats() {
    return fromLoop(() -> new SessionStats(a.snapshot(), b.snapshot()));
  }

  /** False once closed, by its owner, by the media timeout or with the relay. */
  public boolean isOpen() {
    return open;
  }

  /** Closes both legs' sockets and frees their ports; when it returns, the ports can be reused. */
  @Override
  public void close() {
    if (open) {
      onLoop(this::closeOnLoop);
    }
  }

  void closeOnLoop() {
    if (!open) {
      return;
    }
    open = false;
    a.stopOnLoop();
    b.stopOnLoop();
    a.ports().close();
    b.ports().close();
    relay.closed(this);
  }

  RelayLeg other(RelayLeg leg) {
    return leg == a ? b : a;
  }

  EventLoop loop() {
    return loop;
  }

  FrameClock clock() {
    return relay.clock(loop);
  }

  void touch(long nowNanos) {
    lastActivityNanos = nowNanos;
    active = true;
  }

  /** Whether either party has sent a packet yet (a call still ringing has not). */
  boolean active() {
    return active;
  }

  long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Runs {@code task} on the session's event loop and waits for it. */
  void onLoop(Runnable task) {
    var unused =
        fromLoop(
            () -> {
              task.run();
              return Boolean.TRUE;
            });
  }

  /** Runs {@code task} on the session's event loop and returns its result. */
  <T> T fromLoop(Supplier<T> task) {
    if (loop.inEventLoop() || loop.isTerminated()) {
      return task.get(); // once the loop has ended, nothing else touches the state
    }
    try {
      return loop.submit(task::get).get(LOOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      return task.get(); // the relay closed meanwhile: the state is no longer changing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the media I/O thread", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("media I/O thread failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the media I/O thread did not answer within " + LOOP_WAIT_SECONDS + " s", e);
    }
  }

  @Override
  public String toString() {
    return "media session of call " + callId + " (" + a.localRtp() + ", " + b.localRtp() + ")";
  }
}
