package dev.evertone.media;

import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One party's side of a {@link RelaySession}: the relay's RTP and RTCP ports that party sends to
 * (and receives from), and where that party is.
 *
 * <p>Symmetric RTP (RFC 4961): the party is sent media from the ports it sends to, and its address
 * is learnt from its first valid packet (latched) rather than trusted from SDP, so that a phone
 * behind NAT gets its audio back through the NAT's mapping. Only the host its SDP names (or the one
 * its SIP came from, when the caller tells) may latch (unless {@link
 * MediaConfig#latchAnySource()}); once latched, every other source is dropped and counted, so
 * nobody can redirect the audio.
 *
 * <p>All state is kept on the session's event loop; the public methods may be called from any
 * thread and take effect before they return.
 */
public final class RelayLeg {
  private static final Logger log = LoggerFactory.getLogger(RelayLeg.class);

  private final RelaySession session;
  private final int direction;
  private final boolean latchAnySource;
  private final MediaMeters meters;
  private final PortPair ports;
  private final InetSocketAddress localRtp;
  private final InetSocketAddress localRtcp;
  private final int[] clockRates = RtpPackets.clockRates();
  private final RtpReceiverStats rx;

  // on the event loop only
  private @Nullable InetSocketAddress signalledRtp;
  private @Nullable InetSocketAddress signalledRtcp;
  // RFC 4733 telephone-event: its payload type on this party's stream (-1: none signalled), and the
  // timestamp of the last event told (each key press has its own, RFC 4733 2.5.1.3)
  private int telephoneEvent = -1;
  private long lastEventTimestamp = -1;
  private long dtmfDetected;
  // the address the party's SIP came from: may latch too (NAT)
  private @Nullable InetAddress signallingHost;
  private boolean rtcpMux;
  private @Nullable InetSocketAddress latchedRtp;
  private @Nullable InetSocketAddress latchedRtcp;
  private long packetsReceived;
  private long bytesReceived;
  private long rtcpReceived;
  private long packetsSent;
  private long bytesSent;
  private long rtcpSent;
  private long malformed;
  private long foreign;
  private long noRemote;
  private long sendFailed;
  private long relatched;
  private long lastRtpNanos; // the latched party's last RTP packet
  private final long relatchNanos;
  // what the party receives that evertone can make: a G.711 law and its payload type (-1: none)
  private @Nullable G711 law;
  private int lawPayloadType = -1;
  // evertone's own audio to the party, and the one stream the party hears (relayed and own)
  private @Nullable Player player;
  private final OutgoingStream out = new OutgoingStream();
  private long played;
  private long replaced;
  // what reads a copy of this party's audio (a recording), and the G.711 law of each payload type
  // the party sends (RFC 3551 6's static ones until the SDP names others)
  private @Nullable RtpTap tap;
  private final @Nullable G711[] laws = new G711[128];

  RelayLeg(
      RelaySession session,
      int direction,
      PortPair ports,
      InetAddress sdpAddress,
      boolean latchAnySource,
      long relatchNanos,
      MediaMeters meters) {
    this.session = session;
    this.relatchNanos = relatchNanos;
    this.direction = direction;
    this.ports = ports;
    this.latchAnySource = latchAnySource;
    this.meters = meters;
    this.localRtp = new InetSocketAddress(sdpAddress, ports.rtpPort());
    this.localRtcp = new InetSocketAddress(sdpAddress, ports.rtpPort() + 1);
    this.rx = new RtpReceiverStats(System.nanoTime());
    laws[0] = G711.PCMU;
    laws[8] = G711.PCMA;
  }

  /**
   * That this party sends G.711 {@code law} with payload type {@code payloadType} (from the SDP of
   * the other party, whose payload types it uses: RFC 3264 5.1), or with null another codec: what a
   * recording decodes.
   */
  public void sends(int payloadType, @Nullable G711 law) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type 0-127, was " + payloadType);
    }
    session.onLoop(() -> laws[payloadType] = law);
  }

  /** On the event loop: {@code t} reads this party's packets from now on (null: nothing does). */
  void tap(@Nullable RtpTap t) {
    tap = t;
  }

  /** The RTP address this party is to send to, for its SDP (the advertised address). */
  public InetSocketAddress localRtp() {
    return localRtp;
  }

  /** The RTCP address (the RTP port + 1), for an SDP a=rtcp line when one is wanted. */
  public InetSocketAddress localRtcp() {
    return localRtcp;
  }

  /**
   * Where this party said, in its SDP, that it receives: RTP at {@code rtp}, RTCP at {@code rtcp}
   * (null: the RTP port + 1, RFC 3550 11) or on the RTP port when {@code rtcpMux} (RFC 5761). May
   * be called again (a re-INVITE): a changed address opens latching again. Port 0 (a rejected
   * stream, RFC 3264 6) or the unspecified address (the old hold, RFC 3264 8.4) forgets the
   * address: the party is sent nothing until it is known again.
   */
  public void remote(InetSocketAddress rtp, @Nullable InetSocketAddress rtcp, boolean rtcpMux) {
    remote(rtp, rtcp, rtcpMux, null);
  }

  /**
   * As {@link #remote(InetSocketAddress, InetSocketAddress, boolean)}, and the party's packets may
   * also come from {@code signalling}, the address its SIP came from: a phone behind NAT names its
   * private address in SDP, and its audio comes from the NAT's public address, as its SIP does (the
   * address a proxy's received= records, RFC 3581).
   */
  public void remote(
      InetSocketAddress rtp,
      @Nullable InetSocketAddress rtcp,
      boolean rtcpMux,
      @Nullable InetAddress signalling) {
    if (rtp.isUnresolved() || (rtcp != null && rtcp.isUnresolved())) {
      throw new IllegalArgumentException("a media address must be an IP address: " + rtp);
    }
    session.onLoop(
        () -> {
          setRemote(rtp, rtcp, rtcpMux);
          if (signalling != null) {
            signallingHost = signalling; // unknown (an ACK's answer): the one known stays
          }
        });
  }

  private void setRemote(
      InetSocketAddress rtp, @Nullable InetSocketAddress rtcp, boolean rtcpMuxed) {
    boolean none = rtp.getPort() == 0 || rtp.getAddress().isAnyLocalAddress();
    InetSocketAddress newRtp = none ? null : rtp;
    InetSocketAddress newRtcp = null;
    if (!none && !rtcpMuxed) {
      newRtcp =
          rtcp != null
              ? rtcp
              : new InetSocketAddress(rtp.getAddress(), Math.min(rtp.getPort() + 1, 65_535));
    }
    if (!Objects.equals(newRtp, signalledRtp)) {
      latchedRtp = null; // RFC 4961 is about the current offer/answer: learn the new address
      latchedRtcp = null;
    } else if (!Objects.equals(newRtcp, signalledRtcp)) {
      latchedRtcp = null;
    }
    signalledRtp = newRtp;
    signalledRtcp = newRtcp;
    this.rtcpMux = rtcpMuxed;
  }

  /**
   * The clock rate of dynamic payload type {@code payloadType} (from the SDP's rtpmap), for the
   * jitter of this party's stream; the static types' rates (RFC 3551) are known already.
   */
  public void clockRate(int payloadType, int rate) {
    if (payloadType < 0 || payloadType > 127 || rate <= 0) {
      throw new IllegalArgumentException(
          "payload type 0-127 and a positive clock rate, was " + payloadType + " at " + rate);
    }
    session.onLoop(() -> clockRates[payloadType] = rate);
  }

  /**
   * The payload type of RFC 4733 telephone-events on this party's stream (from its SDP's rtpmap),
   * so that the keys it presses are told to the listener; -1: none.
   */
  public void telephoneEvent(int payloadType) {
    if (payloadType < -1 || payloadType > 127) {
      throw new IllegalArgumentException("payload type -1..127, was " + payloadType);
    }
    session.onLoop(() -> telephoneEvent = payloadType);
  }

  /**
   * That this party receives G.711 {@code law} with payload type {@code payloadType} (from its
   * SDP): what evertone sends it of its own ({@link #play}) is encoded so.
   */
  public void receives(G711 law, int payloadType) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type 0-127, was " + payloadType);
    }
    session.onLoop(
        () -> {
          this.law = law;
          this.lawPayloadType = payloadType;
        });
  }

  /**
   * Plays {@code clip} to this party in place of the other party's audio (music on hold, a prompt),
   * from the next tick of the 20 ms clock, over and over when {@code repeat}; what the other party
   * sends meanwhile is not sent here (counted as replaced). Replaces what was playing. Without a
   * G.711 law known for the party ({@link #receives}) nothing is played.
   *
   * @return whether it plays
   */
  public boolean play(AudioClip clip, boolean repeat) {
    return session.fromLoop(
        () -> {
          G711 l = law;
          if (l == null || !session.isOpen()) {
            return false;
          }
          stopOnLoop();
          Player p = new Player(clip.encoded(l), clip.frames(), repeat, lawPayloadType);
          player = p;
          session.clock().add(p);
          return true;
        });
  }

  /** Stops what {@link #play} started: the party hears the other party again. */
  public void stopPlaying() {
    session.onLoop(this::stopOnLoop);
  }

  /** Whether this party hears evertone's own audio now. */
  public boolean isPlaying() {
    return session.fromLoop(() -> player != null);
  }

  /** On the event loop: what plays stops and its buffer is freed. */
  void stopOnLoop() {
    Player p = player;
    if (p != null) {
      player = null;
      session.clock().remove(p);
      p.release();
    }
  }

  /** How many key presses (RFC 4733 events) this party's stream carried. */
  public long dtmfDetected() {
    return session.fromLoop(() -> dtmfDetected);
  }

  /** This leg's statistics now. */
  public LegStats stats() {
    return session.fromLoop(this::snapshot);
  }

  LegStats snapshot() {
    return new LegStats(
        latchedRtp,
        packetsReceived,
        bytesReceived,
        rtcpReceived,
        packetsSent,
        bytesSent,
        rtcpSent,
        rx.expected(),
        rx.lost(),
        rx.jitterMs(),
        rx.ssrcChanges(),
        rx.timestampJumps(),
        malformed,
        foreign,
        noRemote,
        sendFailed,
        played,
        replaced,
        relatched);
  }

  private static final String EVENTS = "0123456789*#ABCDF";

  /**
   * An RFC 4733 event packet (2.3: event, E/R/volume, duration after the RTP header): a new key
   * press is a new timestamp (2.5.1.3: the retransmitted and end packets of one press keep its
   * timestamp), told once; events beyond flash (16) are not keys.
   */
  private void keyPress(ByteBuf content, int at, int length) {
    int header = RtpPackets.headerLength(content, at, length);
    if (header < 0 || length - header < 4) {
      return;
    }
    int event = content.getUnsignedByte(at + header);
    long timestamp = RtpPackets.timestamp(content, at) & 0xffffffffL;
    // only a newer press (RFC 1982 serial arithmetic on the 32-bit timestamp): the late or
    // reordered packets of an earlier one are not a new key
    long ahead = (timestamp - lastEventTimestamp) & 0xffffffffL;
    if (event >= EVENTS.length()
        || (lastEventTimestamp >= 0 && (ahead == 0 || ahead >= 0x80000000L))) {
      return;
    }
    lastEventTimestamp = timestamp;
    dtmfDetected++;
    try {
      session.listener().dtmf(session, this, EVENTS.charAt(event));
    } catch (RuntimeException e) {
      log.warn("DTMF listener failed for call {}", session.callId(), e);
    }
  }

  PortPair ports() {
    return ports;
  }

  /**
   * A datagram from {@code sender} reached this leg's RTP port ({@code onRtpPort}) or RTCP port: if
   * it is valid and from this party, it goes on to the other party. On the event loop.
   */
  void receive(ByteBuf content, InetSocketAddress sender, boolean onRtpPort, long nowNanos) {
    int at = content.readerIndex();
    int length = content.readableBytes();
    boolean rtcp = !onRtpPort || RtpPackets.looksLikeRtcp(content, at, length);
    if (!RtpPackets.valid(content, at, length, rtcp)) {
      malformed++;
      meters.packet(direction, Outcome.MALFORMED);
      return;
    }
    if (!fromParty(sender, onRtpPort, nowNanos)) {
      return;
    }
    session.touch(nowNanos);
    if (rtcp) {
      rtcpReceived++;
    } else {
      packetsReceived++;
      bytesReceived += length;
      int pt = RtpPackets.payloadType(content, at);
      rx.onPacket(
          RtpPackets.sequence(content, at),
          RtpPackets.timestamp(content, at),
          RtpPackets.ssrc(content, at),
          clockRates[pt],
          nowNanos);
      if (pt == telephoneEvent) {
        keyPress(content, at, length);
      } else if (tap != null) {
        tap.packet(this, content, at, length, laws[pt]);
      }
    }
    session.other(this).send(content, at, length, rtcp, direction, nowNanos);
  }

  /** Latching (RFC 4961): whether {@code sender} is this leg's party; counted when not. */
  private boolean fromParty(InetSocketAddress sender, boolean onRtpPort, long nowNanos) {
    InetSocketAddress latched = onRtpPort ? latchedRtp : latchedRtcp;
    if (latched != null) {
      if (latched.equals(sender)) {
        if (onRtpPort) {
          lastRtpNanos = nowNanos;
        }
        return true;
      }
      // a NAT that drops a phone's mapping mid-call gives it a new port on the same address: once
      // the latched port has gone silent, that host may latch again (RFC 4961 leaves the rule to
      // the relay; rtpengine re-learns likewise). Another host never may.
      if (!onRtpPort
          || relatchNanos <= 0
          || !sender.getAddress().equals(latched.getAddress())
          || nowNanos - lastRtpNanos < relatchNanos) {
        return refuse(Outcome.FOREIGN);
      }
      relatched++;
      latchedRtp = sender;
      lastRtpNanos = nowNanos;
      log.info(
          "call {}: the party's RTP now comes from {} (was {})", session.callId(), sender, latched);
      return true;
    }
    if (signalledRtp == null) {
      return refuse(Outcome.NO_REMOTE); // no SDP yet: no way to tell the party from anyone else
    }
    InetSocketAddress signalled = onRtpPort ? signalledRtp : signalledRtcp;
    if (signalled == null) {
      return refuse(Outcome.FOREIGN); // on the RTCP port of a party that multiplexes RTCP
    }
    if (!latchAnySource
        && !sender.getAddress().equals(signalled.getAddress())
        && !sender.getAddress().equals(signallingHost)) {
      return refuse(Outcome.FOREIGN);
    }
    if (onRtpPort) {
      latchedRtp = sender;
      lastRtpNanos = nowNanos;
    } else {
      latchedRtcp = sender;
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "call {}: {} latched on {} (signalled {})",
          session.callId(),
          onRtpPort ? "RTP" : "RTCP",
          sender,
          signalled);
    }
    return true;
  }

  private boolean refuse(Outcome outcome) {
    if (outcome == Outcome.FOREIGN) {
      foreign++;
    } else {
      noRemote++;
    }
    meters.packet(direction, outcome);
    return false;
  }

  /**
   * Sends {@code length} bytes at {@code at} of {@code content} to this leg's party, out of this
   * leg's port (symmetric RTP): RTCP to its RTCP address, or its RTP address when it multiplexes.
   * {@code fromDirection} is the direction the packet travels, for the meters; {@code nowNanos}
   * when it arrived.
   */
  private void send(
      ByteBuf content, int at, int length, boolean rtcp, int fromDirection, long nowNanos) {
    if (player != null && !rtcp) {
      replaced++;
      meters.packet(fromDirection, Outcome.REPLACED);
      return;
    }
    boolean viaRtp = !rtcp || rtcpMux;
    InetSocketAddress target =
        viaRtp
            ? (latchedRtp != null ? latchedRtp : signalledRtp)
            : (latchedRtcp != null ? latchedRtcp : signalledRtcp);
    if (target == null) {
      noRemote++;
      meters.packet(fromDirection, Outcome.NO_REMOTE);
      return;
    }
    if (!rtcp) {
      int rate = clockRates[RtpPackets.payloadType(content, at)];
      out.relayed(content, at, rate > 0 ? rate : 8000, nowNanos);
    }
    if (!transmit(viaRtp ? ports.rtp() : ports.rtcp(), content, at, length, target)) {
      sendFailed++;
      meters.packet(fromDirection, Outcome.SEND_FAILED);
      return;
    }
    if (rtcp) {
      rtcpSent++;
    } else {
      packetsSent++;
      bytesSent += length;
    }
    meters.relayed(fromDirection, length);
  }

  /**
   * evertone's own stream to this party, one packet per tick of the loop's 20 ms clock: one direct
   * buffer, reused for every packet (nothing allocated per packet). On the event loop only.
   */
  private final class Player implements FrameClock.Task {
    private static final int LENGTH = RtpPackets.RTP_HEADER + AudioClip.FRAME;

    private final byte[] audio;
    private final int frames;
    private final boolean repeat;
    private final int payloadType;
    private final ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(LENGTH, LENGTH);
    private int frame;
    private boolean first = true;

    Player(byte[] audio, int frames, boolean repeat, int payloadType) {
      this.audio = audio;
      this.frames = frames;
      this.repeat = repeat;
      this.payloadType = payloadType;
    }

    @Override
    public boolean tick(long nowNanos) {
      if (player != this || !session.isOpen()) {
        return false;
      }
      if (frame >= frames) {
        if (!repeat) {
          stopOnLoop();
          try {
            session.listener().playEnded(session, RelayLeg.this);
          } catch (RuntimeException e) {
            log.warn("play listener failed for call {}", session.callId(), e);
          }
          return false;
        }
        frame = 0;
      }
      // the marker bit starts a talkspurt (RFC 3551 4.1)
      out.own(packet, payloadType, first, AudioClip.FRAME, nowNanos);
      packet.setBytes(RtpPackets.RTP_HEADER, audio, frame * AudioClip.FRAME, AudioClip.FRAME);
      packet.writerIndex(LENGTH);
      first = false;
      frame++;
      InetSocketAddress target = latchedRtp != null ? latchedRtp : signalledRtp;
      if (target != null && sendOwn(target)) {
        played++;
        packetsSent++;
        bytesSent += LENGTH;
        meters.played();
      }
      return true;
    }

    private boolean sendOwn(InetSocketAddress target) {
      if (ports.rtp() instanceof EpollDatagramChannel) {
        return transmit(ports.rtp(), packet, 0, LENGTH, target); // sent before it returns
      }
      ByteBuf copy = packet.copy(); // NIO writes later: the next tick must not overwrite it
      try {
        return transmit(ports.rtp(), copy, 0, LENGTH, target);
      } finally {
        copy.release();
      }
    }

    void release() {
      packet.release();
    }
  }

  /**
   * Out of {@code out} to {@code target}: on epoll one sendto straight from the received buffer, as
   * the TURN relay does, since both sockets live on this event loop and cannot close under it;
   * Netty's write path (a packet, a promise, the outbound buffer, a flush) would allocate per
   * packet and delay nothing better. A full socket buffer drops the datagram, as the network would.
   * Elsewhere (NIO), a write of a retained slice.
   */
  static boolean transmit(
      Channel out, ByteBuf content, int at, int length, InetSocketAddress target) {
    if (!out.isOpen()) {
      return false;
    }
    if (out instanceof EpollDatagramChannel epoll
        && content.hasMemoryAddress()
        && out.eventLoop().inEventLoop()) {
      try {
        return ((Socket) epoll.fd())
                .sendToAddress(
                    content.memoryAddress(), at, at + length, target.getAddress(), target.getPort())
            > 0;
      } catch (IOException e) {
        return false; // unreachable, or the buffer is full: lost, as on the network
      }
    }
    if (!out.isWritable()) {
      return false;
    }
    var unused =
        out.writeAndFlush(
            new DatagramPacket(content.retainedSlice(at, length), target), out.voidPromise());
    return true;
  }
}
