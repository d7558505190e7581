package dev.evertone.media;

import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import dev.evertone.media.audio.JitterBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * evertone's own end of one party's media: an RTP port pair where the party's stream ends (decoded,
 * not relayed) and from which evertone sends a stream of its own, one 20 ms frame per tick of its
 * loop's {@link FrameClock}. What conferences, and next the IVR, voicemail and park, are built on:
 * the party's G.711 audio goes through a {@link JitterBuffer} to a {@link Mixer}; its key presses
 * (RFC 4733) go to the {@link EndpointListener}; a clip ({@link #play}) or the mixer's frames go
 * back.
 *
 * <p>Symmetric RTP (RFC 4961) as on relay legs: the party's address is latched from its first
 * packet, which must come from the host its SDP names or its SIP came from (unless {@link
 * MediaConfig#latchAnySource()}); every other source is dropped and counted. RTCP is read and
 * dropped. All state lives on the leg's {@link MediaLoop}; the public methods may be called from
 * any thread.
 */
public final class EndpointLeg implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EndpointLeg.class);

  /** The longest payload decoded: 120 ms of G.711 (RFC 3551 4.5.14 allows any multiple). */
  private static final int MAX_SAMPLES = 960;

  private static final int LENGTH = RtpPackets.RTP_HEADER + AudioClip.FRAME;

  /** The jitter buffer's default delay: 60 ms. */
  public static final int DEFAULT_JITTER_FRAMES = 3;

  private final MediaRelay relay;
  private final MediaLoop loop;
  private final String label;
  private final PortPair ports;
  private final InetSocketAddress localRtp;
  private final boolean latchAnySource;
  private final MediaMeters meters;
  private volatile EndpointListener listener = EndpointListener.NONE;
  private volatile boolean open = true;

  // on the loop only
  private @Nullable InetSocketAddress signalledRtp;
  private @Nullable InetAddress signallingHost;
  private @Nullable InetSocketAddress latchedRtp;
  private boolean sends = true;
  private boolean receives = true;
  private G711 law = G711.PCMU;
  private int lawPayloadType = 0;
  private int telephoneEvent = -1;
  private final KeyPresses keys = new KeyPresses();
  private JitterBuffer jitter = new JitterBuffer(DEFAULT_JITTER_FRAMES, 16);
  private final short[] decoded = new short[MAX_SAMPLES];
  private final ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(LENGTH, LENGTH);
  private final int ssrc = ThreadLocalRandom.current().nextInt();
  private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
  private int timestamp = ThreadLocalRandom.current().nextInt();
  private boolean talkspurt = true;
  private @Nullable Player player;
  private long lastPacketNanos = System.nanoTime();
  private long packetsReceived;
  private long packetsSent;
  private long rtcpReceived;
  private long malformed;
  private long foreign;
  private long dtmf;

  EndpointLeg(
      MediaRelay relay,
      MediaLoop loop,
      String label,
      PortPair ports,
      InetAddress sdpAddress,
      boolean latchAnySource,
      MediaMeters meters) {
    this.relay = relay;
    this.loop = loop;
    this.label = label;
    this.ports = ports;
    this.localRtp = new InetSocketAddress(sdpAddress, ports.rtpPort());
    this.latchAnySource = latchAnySource;
    this.meters = meters;
  }

  /** What the leg was opened for (a Call-ID), for logs. */
  public String label() {
    return label;
  }

  /** The loop the leg lives on: a mixer for it must use the same one. */
  public MediaLoop loop() {
    return loop;
  }

  /** The RTP address the party sends to, for evertone's SDP. */
  public InetSocketAddress localRtp() {
    return localRtp;
  }

  /** False once closed. */
  public boolean isOpen() {
    return open;
  }

  /** Who hears of key presses and of clips that ended. */
  public void listen(EndpointListener l) {
    this.listener = l;
  }

  /**
   * Where the party receives RTP (from its SDP), and the address its SIP came from (may latch too:
   * NAT), null when unknown. A changed address opens latching again (RFC 3264 8.3.1); port 0 or the
   * unspecified address (hold, RFC 3264 8.4) means the party is sent nothing.
   */
  public void remote(InetSocketAddress rtp, @Nullable InetAddress signalling) {
    if (rtp.isUnresolved()) {
      throw new IllegalArgumentException("a media address must be an IP address: " + rtp);
    }
    loop.execute(
        () -> {
          boolean none = rtp.getPort() == 0 || rtp.getAddress().isAnyLocalAddress();
          InetSocketAddress next = none ? null : rtp;
          if (next == null || !next.equals(signalledRtp)) {
            latchedRtp = null;
          }
          signalledRtp = next;
          if (signalling != null) {
            signallingHost = signalling;
          }
        });
  }

  /**
   * The stream's direction as negotiated (RFC 3264 6.1): whether evertone sends to the party (not
   * when the party holds the call: it asked for sendonly or inactive) and whether what the party
   * sends is used.
   */
  public void direction(boolean send, boolean receive) {
    loop.execute(
        () -> {
          sends = send;
          receives = receive;
        });
  }

  /** What evertone sends the party: G.711 {@code law} with payload type {@code payloadType}. */
  public void sends(G711 sendLaw, int payloadType) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type 0-127, was " + payloadType);
    }
    loop.execute(
        () -> {
          law = sendLaw;
          lawPayloadType = payloadType;
        });
  }

  /** The payload type of RFC 4733 telephone-events in the party's stream; -1: none. */
  public void telephoneEvent(int payloadType) {
    if (payloadType < -1 || payloadType > 127) {
      throw new IllegalArgumentException("payload type -1..127, was " + payloadType);
    }
    loop.execute(() -> telephoneEvent = payloadType);
  }

  /**
   * The delay of the party's jitter buffer: {@code frames} of 20 ms (1-25); what arrives later than
   * that is concealed.
   */
  public void jitterDelay(int frames) {
    JitterBuffer b = new JitterBuffer(frames, Math.max(16, 2 * frames + 2));
    loop.execute(() -> jitter = b);
  }

  /**
   * Plays {@code clip} to the party from the next tick, over and over when {@code repeat}, in place
   * of anything else evertone would send it (a mixer's frames); replaces what played.
   *
   * @return whether it plays (false: the leg is closed)
   */
  public boolean play(AudioClip clip, boolean repeat) {
    return loop.call(
        () -> {
          if (!open) {
            return false;
          }
          stopOnLoop();
          Player p = new Player(clip, repeat);
          player = p;
          talkspurt = true;
          loop.clock().add(p);
          return true;
        });
  }

  /** Stops what {@link #play} started (no {@link EndpointListener#playEnded}). */
  public void stopPlaying() {
    loop.execute(this::stopOnLoop);
  }

  /** Whether a clip plays to the party now. */
  public boolean isPlaying() {
    return loop.call(() -> player != null);
  }

  private void stopOnLoop() {
    Player p = player;
    if (p != null) {
      player = null;
      loop.clock().remove(p);
      talkspurt = true;
    }
  }

  /** The leg's counters now. */
  public EndpointStats stats() {
    return loop.call(
        () ->
            new EndpointStats(
                latchedRtp,
                packetsReceived,
                packetsSent,
                rtcpReceived,
                malformed,
                foreign,
                dtmf,
                jitter.late(),
                jitter.concealed(),
                (System.nanoTime() - lastPacketNanos) / 1_000_000));
  }

  /** When the party's last RTP packet arrived ({@link System#nanoTime()}), or the leg opened. */
  public long lastPacketNanos() {
    return loop.call(() -> lastPacketNanos);
  }

  /** Closes the leg's sockets and frees its ports; what plays stops. */
  @Override
  public void close() {
    if (open) {
      var unused =
          loop.call(
              () -> {
                closeOnLoop();
                return Boolean.TRUE;
              });
    }
  }

  void closeOnLoop() {
    if (!open) {
      return;
    }
    open = false;
    stopOnLoop();
    ports.close();
    packet.release();
    relay.closed(this);
  }

  PortPair ports() {
    return ports;
  }

  /** On the loop: the party's next 20 ms (see {@link JitterBuffer#next}); false: silence. */
  boolean nextFrame(short[] out) {
    return receives && jitter.next(out);
  }

  /** On the loop: whether a clip plays to the party (a mixer's frame is then not sent). */
  boolean playingOnLoop() {
    return player != null;
  }

  /** On the loop: sends {@code pcm} (160 samples) to the party, unless a clip plays to it. */
  void sendFrame(short[] pcm) {
    if (player != null || !open) {
      return;
    }
    G711 l = law;
    for (int i = 0; i < AudioClip.FRAME; i++) {
      packet.setByte(RtpPackets.RTP_HEADER + i, l.encode(pcm[i]));
    }
    sendPacket();
  }

  /** A datagram reached the leg's RTP port ({@code onRtpPort}) or RTCP port. On the loop. */
  void receive(ByteBuf content, InetSocketAddress sender, boolean onRtpPort, long nowNanos) {
    int at = content.readerIndex();
    int length = content.readableBytes();
    if (!onRtpPort || RtpPackets.looksLikeRtcp(content, at, length)) {
      // read and dropped (evertone sends no reports of its own yet); from the party's host it still
      // shows the party is there: a phone holding the call may send no RTP, but its RTCP goes on
      // (RFC 3550 6.2)
      InetSocketAddress party = latchedRtp != null ? latchedRtp : signalledRtp;
      if (party != null
          && RtpPackets.valid(content, at, length, true)
          && sender.getAddress().equals(party.getAddress())) {
        rtcpReceived++;
        lastPacketNanos = nowNanos;
      }
      return;
    }
    if (!RtpPackets.valid(content, at, length, false)) {
      malformed++;
      return;
    }
    if (!fromParty(sender)) {
      foreign++;
      return;
    }
    lastPacketNanos = nowNanos;
    packetsReceived++;
    int pt = RtpPackets.payloadType(content, at);
    if (pt == telephoneEvent) {
      char key = keys.press(content, at, length);
      if (key != 0) {
        dtmf++;
        try {
          listener.dtmf(this, key);
        } catch (RuntimeException e) {
          log.warn("DTMF listener failed for {}", label, e);
        }
      }
      return;
    }
    G711 l = G711.ofPayloadType(pt);
    if (l == null) {
      return; // comfort noise (RFC 3389) and anything else: silence
    }
    int header = RtpPackets.headerLength(content, at, length);
    if (header < 0) {
      malformed++;
      return;
    }
    int payload = length - header;
    if ((content.getUnsignedByte(at) & 0x20) != 0 && payload > 0) {
      payload -= content.getUnsignedByte(at + length - 1); // RFC 3550 5.1: padding
    }
    int n = Math.min(Math.max(payload, 0), MAX_SAMPLES);
    for (int i = 0; i < n; i++) {
      decoded[i] = l.decode(content.getByte(at + header + i));
    }
    if (n > 0) {
      jitter.put(RtpPackets.timestamp(content, at), RtpPackets.ssrc(content, at), decoded, 0, n);
    }
  }

  /** Latching (RFC 4961): whether {@code sender} is the party. */
  private boolean fromParty(InetSocketAddress sender) {
    InetSocketAddress latched = latchedRtp;
    if (latched != null) {
      return latched.equals(sender);
    }
    InetSocketAddress signalled = signalledRtp;
    if (signalled == null) {
      return false;
    }
    if (!latchAnySource
        && !sender.getAddress().equals(signalled.getAddress())
        && !sender.getAddress().equals(signallingHost)) {
      return false;
    }
    latchedRtp = sender;
    return true;
  }

  /** The packet's header written and sent; its payload is in place. */
  private void sendPacket() {
    InetSocketAddress target = latchedRtp != null ? latchedRtp : signalledRtp;
    // RFC 3550 5.1: the timeline runs on whether or not the party can be sent to (hold)
    packet.setByte(0, 0x80);
    packet.setByte(1, (talkspurt ? 0x80 : 0) | lawPayloadType);
    packet.setShort(2, sequence);
    packet.setInt(4, timestamp);
    packet.setInt(8, ssrc);
    packet.writerIndex(LENGTH);
    sequence = (sequence + 1) & 0xffff;
    timestamp += AudioClip.FRAME;
    if (target == null || !sends) {
      return;
    }
    talkspurt = false;
    boolean sent;
    if (ports.rtp() instanceof EpollDatagramChannel) {
      sent = RelayLeg.transmit(ports.rtp(), packet, 0, LENGTH, target);
    } else {
      ByteBuf copy = packet.copy(); // NIO writes later: the next frame must not overwrite it
      try {
        sent = RelayLeg.transmit(ports.rtp(), copy, 0, LENGTH, target);
      } finally {
        copy.release();
      }
    }
    if (sent) {
      packetsSent++;
      meters.played();
    }
  }

  /** A clip sent frame by frame on the loop's clock. */
  private final class Player implements FrameClock.Task {
    private final AudioClip clip;
    private final boolean repeat;
    private int frame;

    Player(AudioClip clip, boolean repeat) {
      this.clip = clip;
      this.repeat = repeat;
    }

    @Override
    public boolean tick(long nowNanos) {
      if (player != this || !open) {
        return false;
      }
      if (frame >= clip.frames()) {
        if (!repeat) {
          player = null;
          talkspurt = true;
          try {
            listener.playEnded(EndpointLeg.this);
          } catch (RuntimeException e) {
            log.warn("play listener failed for {}", label, e);
          }
          return false;
        }
        frame = 0;
      }
      packet.setBytes(
          RtpPackets.RTP_HEADER, clip.encoded(law), frame * AudioClip.FRAME, AudioClip.FRAME);
      frame++;
      sendPacket();
      return true;
    }
  }

  @Override
  public String toString() {
    return "media endpoint of " + label + " (" + localRtp + ")";
  }
}
