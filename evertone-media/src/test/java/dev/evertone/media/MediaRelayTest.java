package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay over real UDP sockets on loopback: plain sockets play the phones, and the test checks
 * what they receive.
 */
class MediaRelayTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConcurrentLinkedQueue<RelaySession> timedOut = new ConcurrentLinkedQueue<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private MediaRelay relay(MediaConfig config) {
    MediaRelay relay = MediaRelay.start(config, registry, timedOut::add);
    resources.add(relay);
    return relay;
  }

  /** A relay on loopback with one I/O thread and ports {@code min}..{@code min + count - 1}. */
  private MediaRelay relay(int min, int count) {
    return relay(MediaConfig.defaults(LOOPBACK).withPorts(min, min + count - 1).withIoThreads(1));
  }

  private Phone phone(String host) throws IOException {
    Phone p = new Phone(host);
    resources.add(p);
    return p;
  }

  /** A session whose two legs know their phones' addresses (RTCP on the next port up). */
  private static RelaySession call(MediaRelay relay, Phone caller, Phone callee)
      throws MediaException {
    RelaySession s = relay.open("call-1");
    s.a().remote(caller.address(), null, false);
    s.b().remote(callee.address(), null, false);
    return s;
  }

  private double packets(String direction, String outcome) {
    return registry
        .get("evertone.media.packets")
        .tag("direction", direction)
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 3 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void twoPhonesReceiveExactlyTheToneTheOtherSentInOrder() throws Exception {
    MediaRelay relay = relay(31_000, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    // all four sockets on one loop, so relaying is a send on the receiving thread; on Linux epoll,
    // whose direct send is the path under test
    assertThat(s.b().ports().rtcp().eventLoop()).isSameAs(s.a().ports().rtp().eventLoop());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(s.a().ports().rtp()).isInstanceOf(EpollDatagramChannel.class);
    }
    for (int seq = 0; seq < 50; seq++) {
      byte[] up = Phone.tone(seq, 0x1111);
      caller.send(up, s.a().localRtp());
      DatagramPacket atCallee = callee.receive();
      assertThat(Arrays.copyOf(atCallee.getData(), atCallee.getLength())).isEqualTo(up);
      // symmetric RTP: the callee hears from the port it sends to
      assertThat(atCallee.getSocketAddress()).isEqualTo(s.b().localRtp());
      byte[] down = Phone.tone(1000 + seq, 0x2222);
      callee.send(down, s.b().localRtp());
      assertThat(caller.receiveBytes()).isEqualTo(down);
    }
    SessionStats stats = s.stats();
    assertThat(stats.a().packetsReceived()).isEqualTo(50);
    assertThat(stats.a().bytesReceived()).isEqualTo(50 * 172);
    assertThat(stats.b().packetsSent()).isEqualTo(50);
    assertThat(stats.a().packetsSent()).isEqualTo(50);
    assertThat(stats.a().expected()).isEqualTo(50);
    assertThat(stats.a().lost()).isZero();
    assertThat(stats.a().latched()).isEqualTo(caller.address());
    assertThat(stats.b().latched()).isEqualTo(callee.address());
    assertThat(stats.a().mos()).isGreaterThan(4.0);
    assertThat(packets("a_to_b", "relayed")).isEqualTo(50);
    assertThat(packets("b_to_a", "relayed")).isEqualTo(50);
    assertThat(registry.get("evertone.media.sessions").gauge().value()).isEqualTo(1);
    assertThat(registry.get("evertone.media.ports").gauge().value()).isEqualTo(4);
  }

  @Test
  void aPartyPlayedAClipHearsItEveryTwentyMillisecondsInsteadOfTheOtherPartyThenHearsItAgain()
      throws Exception {
    MediaRelay relay = relay(31_000, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    short[] ramp = new short[160 * 25]; // half a second, each frame a different level
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = (short) ((i / 160) * 1000 - 12_000);
    }
    AudioClip clip = AudioClip.of("ramp", ramp);
    assertThat(s.b().play(clip, false)).as("no law known for the callee yet").isFalse();
    s.b().receives(G711.PCMA, 8);
    assertThat(s.b().play(clip, false)).isTrue();
    assertThat(s.b().isPlaying()).isTrue();
    long start = System.nanoTime();
    int ssrc = 0;
    int lastSequence = 0;
    int lastTimestamp = 0;
    for (int frame = 0; frame < 25; frame++) {
      // the caller speaks meanwhile: the callee does not get it
      caller.send(Phone.tone(frame, 0x1111), s.a().localRtp());
      DatagramPacket p = callee.receive();
      ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
      assertThat(p.getLength()).isEqualTo(172);
      assertThat(p.getSocketAddress()).isEqualTo(s.b().localRtp());
      assertThat(b.get(1) & 0x7f).as("payload type").isEqualTo(8);
      assertThat(b.get(1) & 0x80)
          .as("marker on the first packet only")
          .isEqualTo(frame == 0 ? 0x80 : 0);
      if (frame == 0) {
        ssrc = b.getInt(8);
      } else {
        assertThat(b.getShort(2) & 0xffff).isEqualTo((lastSequence + 1) & 0xffff);
        assertThat(b.getInt(4) - lastTimestamp).isEqualTo(160);
      }
      lastSequence = b.getShort(2) & 0xffff;
      lastTimestamp = b.getInt(4);
      assertThat(b.getInt(8)).isEqualTo(ssrc);
      short level = G711.PCMA.decode(p.getData()[12 + 80]);
      assertThat((double) level)
          .as("frame " + frame)
          .isCloseTo(frame * 1000 - 12_000, org.assertj.core.data.Offset.offset(400.0));
    }
    // 25 frames, one per 20 ms: about half a second, never all at once
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(400), Duration.ofMillis(2000));
    eventually(() -> !s.b().isPlaying());
    // the clip has ended: the caller is heard again, in the same stream as the clip (one SSRC,
    // the next sequence number, a later timestamp), so that the phone's jitter buffer takes it
    byte[] up = Phone.tone(100, 0x1111);
    caller.send(up, s.a().localRtp());
    DatagramPacket next = callee.receive();
    ByteBuffer relayed = ByteBuffer.wrap(next.getData(), 0, next.getLength());
    assertThat(Arrays.copyOfRange(next.getData(), 12, next.getLength()))
        .isEqualTo(Arrays.copyOfRange(up, 12, up.length));
    assertThat(relayed.getInt(8)).as("SSRC").isEqualTo(ssrc);
    assertThat(relayed.getShort(2) & 0xffff).as("sequence").isEqualTo((lastSequence + 1) & 0xffff);
    assertThat(relayed.getInt(4) - lastTimestamp).as("timestamp").isGreaterThanOrEqualTo(160);
    LegStats callee0 = s.b().stats();
    assertThat(callee0.played()).isEqualTo(25);
    assertThat(callee0.replaced()).isGreaterThanOrEqualTo(20);
    assertThat(registry.get("evertone.media.played").counter().count()).isEqualTo(25);
    assertThat(relay.clockStats().ticks()).isGreaterThanOrEqualTo(25);
  }

  @Test
  void musicRepeatsUntilStoppedAndClosingTheSessionStopsIt() throws Exception {
    MediaRelay relay = relay(31_000, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    s.a().receives(G711.PCMU, 0);
    assertThat(s.a().play(AudioClip.of("beep", new short[160 * 2]), true)).isTrue();
    for (int i = 0; i < 10; i++) {
      assertThat(caller.receive().getLength()).isEqualTo(172); // 5 times round a 2-frame clip
    }
    s.a().stopPlaying();
    assertThat(s.a().isPlaying()).isFalse();
    while (caller.receiveWithin(100) != null) {
      // the frames sent before it stopped
    }
    assertThat(caller.receiveWithin(200)).as("nothing after stop").isNull();
    assertThat(s.a().play(AudioClip.of("beep", new short[160]), true)).isTrue();
    assertThat(caller.receive().getLength()).isEqualTo(172);
    s.close();
    while (caller.receiveWithin(100) != null) {
      // in flight when it closed
    }
    assertThat(caller.receiveWithin(200)).as("nothing once closed").isNull();
    assertThat(s.a().play(AudioClip.of("beep", new short[160]), true)).as("closed").isFalse();
  }

  @Test
  void theFirstPacketFromTheSignalledHostLatchesWhateverItsPort() throws Exception {
    MediaRelay relay = relay(31_100, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = relay.open("nat");
    s.a().remote(caller.address(), null, false);
    // the callee's SDP names a port it does not send from (a NAT rewrote it)
    s.b().remote(new InetSocketAddress(LOOPBACK, 9), null, false);
    callee.send(Phone.tone(1, 7), s.b().localRtp());
    assertThat(caller.receiveBytes()).isEqualTo(Phone.tone(1, 7));
    assertThat(s.b().stats().latched()).isEqualTo(callee.address());
    caller.send(Phone.tone(2, 8), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 8));
  }

  @Test
  void aHijackerAfterLatchingIsRefusedAndTheAudioStaysWithThePhones() throws Exception {
    MediaRelay relay = relay(31_200, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    Phone hijacker = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    caller.send(Phone.tone(1, 1), s.a().localRtp());
    callee.receive();
    for (int i = 0; i < 10; i++) {
      hijacker.send(Phone.tone(100 + i, 1), s.a().localRtp()); // same host, same SSRC
    }
    eventually(() -> s.a().stats().foreign() == 10);
    caller.send(Phone.tone(2, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 1)); // nothing of the hijacker's
    callee.send(Phone.tone(3, 2), s.b().localRtp());
    assertThat(caller.receiveBytes()).isEqualTo(Phone.tone(3, 2));
    assertThat(hijacker.receiveWithin(100)).isNull();
    assertThat(s.a().stats().latched()).isEqualTo(caller.address());
    assertThat(packets("a_to_b", "foreign")).isEqualTo(10);
  }

  @Test
  void aPhoneWhoseNatGivesItANewPortIsLatchedAgainAfterASilenceAndAStrangerNever()
      throws Exception {
    MediaRelay relay =
        relay(
            MediaConfig.defaults(LOOPBACK)
                .withPorts(31_000, 31_099)
                .withIoThreads(1)
                .withRelatchAfter(Duration.ofMillis(300)));
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    caller.send(Phone.tone(0, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(0, 1));
    // the same phone behind a NAT that now maps it to another port; at once it is refused (it
    // could be anyone on that host while the phone still talks)
    Phone remapped = phone("127.0.0.1");
    remapped.send(Phone.tone(1, 1), s.a().localRtp());
    assertThat(callee.receiveWithin(200)).isNull();
    // a stranger on another host, after the same silence: refused
    Phone stranger = phone("127.0.0.2");
    Thread.sleep(400);
    stranger.send(Phone.tone(2, 9), s.a().localRtp());
    assertThat(callee.receiveWithin(200)).isNull();
    // the remapped phone after the silence: latched again, and heard both ways
    remapped.send(Phone.tone(3, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(3, 1));
    callee.send(Phone.tone(4, 2), s.b().localRtp());
    assertThat(remapped.receiveBytes()).isEqualTo(Phone.tone(4, 2));
    LegStats a = s.a().stats();
    assertThat(a.relatched()).isOne();
    assertThat(a.latched()).isEqualTo(remapped.address());
    assertThat(a.foreign()).isEqualTo(2);
  }

  @Test
  void beforeLatchingOnlyTheSignalledHostMayLatch() throws Exception {
    MediaRelay relay = relay(31_300, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    Phone stranger = phone("127.0.0.2");
    RelaySession s = call(relay, caller, callee);
    stranger.send(Phone.tone(1, 1), s.a().localRtp());
    eventually(() -> s.a().stats().foreign() == 1);
    assertThat(s.a().stats().latched()).isNull();
    caller.send(Phone.tone(2, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 1));
    assertThat(s.a().stats().latched()).isEqualTo(caller.address());
  }

  @Test
  void withLatchAnySourceAPhoneWhoseSdpCarriesAPrivateAddressIsLatched() throws Exception {
    MediaRelay relay =
        relay(
            MediaConfig.defaults(LOOPBACK)
                .withPorts(31_400, 31_499)
                .withIoThreads(1)
                .withLatchAnySource(true));
    Phone caller = phone("127.0.0.2"); // its SDP says 10.1.2.3: it is behind a NAT
    Phone callee = phone("127.0.0.1");
    RelaySession s = relay.open("behind-nat");
    s.a().remote(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 4000), null, false);
    s.b().remote(callee.address(), null, false);
    caller.send(Phone.tone(1, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(1, 1));
    callee.send(Phone.tone(2, 2), s.b().localRtp());
    assertThat(caller.receiveBytes()).isEqualTo(Phone.tone(2, 2));
    assertThat(s.a().stats().latched()).isEqualTo(caller.address());
  }

  @Test
  void aPhoneBehindNatLatchesFromTheAddressItsSipCameFromAndNobodyElseDoes() throws Exception {
    MediaRelay relay = relay(31_450, 40);
    Phone caller = phone("127.0.0.2"); // its SIP and its audio come from 127.0.0.2 (the NAT)
    Phone callee = phone("127.0.0.1");
    Phone stranger = phone("127.0.0.3");
    RelaySession s = relay.open("behind-nat-strict");
    // its SDP names its private address; the proxy tells where its SIP came from
    s.a()
        .remote(
            new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 4000),
            null,
            false,
            caller.address().getAddress());
    s.b().remote(callee.address(), null, false);
    stranger.send(Phone.tone(1, 1), s.a().localRtp());
    eventually(() -> s.a().stats().foreign() == 1);
    caller.send(Phone.tone(2, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 1));
    callee.send(Phone.tone(3, 2), s.b().localRtp());
    assertThat(caller.receiveBytes()).isEqualTo(Phone.tone(3, 2));
    assertThat(s.a().stats().latched()).isEqualTo(caller.address());
  }

  @Test
  void eachKeyPressIsToldOnceInOrderHoweverManyPacketsCarryIt() throws Exception {
    java.util.Queue<String> keys = new ConcurrentLinkedQueue<>();
    MediaRelay relay =
        MediaRelay.start(
            MediaConfig.defaults(LOOPBACK).withPorts(31_650, 31_699).withIoThreads(1),
            registry,
            new MediaListener() {
              @Override
              public void mediaTimedOut(RelaySession session) {}

              @Override
              public void dtmf(RelaySession session, RelayLeg leg, char digit) {
                keys.add((leg == session.a() ? "a" : "b") + digit);
              }
            });
    resources.add(relay);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    s.a().telephoneEvent(101);
    // RFC 4733 2.5.1: a press is sent again and again with its start timestamp, then its end (E)
    // three times; the next press has a new timestamp. Event 1, then 11 (#), then 1 again.
    int seq = 1;
    long[] starts = {8000, 9600, 11_200};
    int[] events = {1, 11, 1};
    for (int press = 0; press < 3; press++) {
      for (int packet = 0; packet < 6; packet++) {
        byte[] payload = {(byte) events[press], (byte) (packet >= 3 ? 0x8a : 0x0a), 0, (byte) 160};
        caller.send(Phone.rtp(101, seq++, starts[press], 7, payload), s.a().localRtp());
        assertThat(callee.receiveBytes()).hasSize(16); // relayed as it is, whatever it carries
      }
    }
    // a party whose SDP named no telephone-event: its packets of that type are audio to us
    callee.send(Phone.rtp(101, 1, 500, 9, new byte[] {5, 0, 0, (byte) 160}), s.b().localRtp());
    assertThat(caller.receiveBytes()).hasSize(16);
    eventually(() -> keys.size() == 3);
    assertThat(String.join("", keys)).isEqualTo("a1a#a1");
    assertThat(s.a().dtmfDetected()).isEqualTo(3);
    assertThat(s.b().dtmfDetected()).isZero();
  }

  @Test
  void aNewRemoteAddressOpensLatchingAgain() throws Exception {
    MediaRelay relay = relay(31_500, 100);
    Phone first = phone("127.0.0.1");
    Phone moved = phone("127.0.0.2");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, first, callee);
    first.send(Phone.tone(1, 1), s.a().localRtp());
    callee.receive();
    s.a().remote(moved.address(), null, false); // a re-INVITE from the new address
    moved.send(Phone.tone(2, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 1));
    callee.send(Phone.tone(3, 2), s.b().localRtp());
    assertThat(moved.receiveBytes()).isEqualTo(Phone.tone(3, 2));
    first.send(Phone.tone(4, 1), s.a().localRtp());
    eventually(() -> s.a().stats().foreign() == 1);
    assertThat(first.receiveWithin(100)).isNull();
  }

  @Test
  void rtcpOnItsOwnPortOneSideAndMultiplexedTheOther() throws Exception {
    MediaRelay relay = relay(31_600, 100);
    Phone callerRtp = phone("127.0.0.1");
    Phone callerRtcp = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1"); // rtcp-mux (RFC 5761)
    RelaySession s = relay.open("rtcp");
    s.a().remote(callerRtp.address(), callerRtcp.address(), false);
    s.b().remote(callee.address(), null, true);
    byte[] callerReport = Phone.emptyReceiverReport(0x1111);
    callerRtcp.send(callerReport, s.a().localRtcp());
    DatagramPacket atCallee = callee.receive();
    assertThat(Arrays.copyOf(atCallee.getData(), atCallee.getLength())).isEqualTo(callerReport);
    assertThat(atCallee.getSocketAddress()).isEqualTo(s.b().localRtp());
    byte[] calleeReport = Phone.emptyReceiverReport(0x2222);
    callee.send(calleeReport, s.b().localRtp());
    DatagramPacket atCaller = callerRtcp.receive();
    assertThat(Arrays.copyOf(atCaller.getData(), atCaller.getLength())).isEqualTo(calleeReport);
    assertThat(atCaller.getSocketAddress()).isEqualTo(s.a().localRtcp());
    // and RTP still goes RTP port to RTP port
    callee.send(Phone.tone(1, 0x2222), s.b().localRtp());
    assertThat(callerRtp.receiveBytes()).isEqualTo(Phone.tone(1, 0x2222));
    SessionStats stats = s.stats();
    assertThat(stats.a().rtcpReceived()).isEqualTo(1);
    assertThat(stats.a().rtcpSent()).isEqualTo(1);
    assertThat(stats.b().rtcpReceived()).isEqualTo(1);
    assertThat(stats.b().packetsReceived()).isEqualTo(1);
  }

  @Test
  void skippedSequenceNumbersCountAsLost() throws Exception {
    MediaRelay relay = relay(31_700, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    int sent = 0;
    for (int seq = 0; seq < 100; seq++) {
      if (seq == 10 || seq == 11 || seq == 12 || seq == 50 || seq == 51) {
        continue;
      }
      caller.send(Phone.tone(seq, 5), s.a().localRtp());
      callee.receive();
      sent++;
    }
    LegStats a = s.a().stats();
    assertThat(a.packetsReceived()).isEqualTo(sent);
    assertThat(a.expected()).isEqualTo(100);
    assertThat(a.lost()).isEqualTo(5);
    assertThat(a.lossFraction()).isEqualTo(0.05);
    assertThat(a.mos()).isLessThan(s.b().stats().mos());
  }

  @Test
  void jitterGrowsWhenSendTimesVaryAndUsesTheSignalledClockRate() throws Exception {
    MediaRelay relay = relay(31_800, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    s.a().clockRate(96, 8000); // a dynamic type, as the SDP's rtpmap would say
    for (int seq = 0; seq < 16; seq++) {
      // 20 ms of audio per packet, sent 0 or 40 ms apart
      caller.send(Phone.rtp(96, seq, 160L * seq, 9, Phone.TONE_20MS), s.a().localRtp());
      callee.receive();
      Thread.sleep(seq % 2 == 0 ? 0 : 40);
    }
    assertThat(s.a().stats().jitterMs()).isGreaterThan(5);
    // without a clock rate for type 97 there is no jitter to compute
    Phone caller2 = phone("127.0.0.1");
    RelaySession other = call(relay, caller2, callee);
    for (int seq = 0; seq < 4; seq++) {
      caller2.send(Phone.rtp(97, seq, 160L * seq, 9, Phone.TONE_20MS), other.a().localRtp());
      callee.receive();
      Thread.sleep(seq % 2 == 0 ? 0 : 40);
    }
    assertThat(other.a().stats().jitterMs()).isZero();
  }

  @Test
  void anSsrcChangeStartsTrackingOverInsteadOfCountingLosses() throws Exception {
    MediaRelay relay = relay(31_900, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    for (int i = 0; i < 20; i++) {
      caller.send(Phone.tone(100 + i, 1), s.a().localRtp());
      callee.receive();
    }
    for (int i = 0; i < 20; i++) {
      caller.send(Phone.tone(40_000 + i, 2), s.a().localRtp()); // a transfer upstream
      callee.receive();
    }
    LegStats a = s.a().stats();
    assertThat(a.ssrcChanges()).isEqualTo(1);
    assertThat(a.expected()).isEqualTo(40);
    assertThat(a.lost()).isZero();
    assertThat(a.packetsReceived()).isEqualTo(40);
  }

  @Test
  void malformedDatagramsAreDroppedAndCounted() throws Exception {
    MediaRelay relay = relay(32_000, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    byte[] versionOne = Phone.tone(1, 1);
    versionOne[0] = 0x40;
    byte[] csrcsMissing = Phone.rtp(0, 1, 0, 1, new byte[0]);
    csrcsMissing[0] = (byte) 0x8f; // 15 CSRCs announced, none there
    caller.send(new byte[5], s.a().localRtp());
    caller.send(new byte[20], s.a().localRtp()); // version 0: a STUN message, say
    caller.send(versionOne, s.a().localRtp());
    caller.send(csrcsMissing, s.a().localRtp());
    caller.send(new byte[] {(byte) 0x80, (byte) 201, 0, 1}, s.a().localRtcp()); // half a report
    eventually(() -> s.a().stats().malformed() == 5);
    caller.send(Phone.tone(2, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(2, 1));
    assertThat(packets("a_to_b", "malformed")).isEqualTo(5);
    assertThat(s.a().stats().packetsReceived()).isEqualTo(1);
  }

  @Test
  void packetsForAPartyWhoseAddressIsUnknownAreDroppedAndCounted() throws Exception {
    MediaRelay relay = relay(32_100, 100);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = relay.open("early");
    s.a().remote(caller.address(), null, false);
    for (int seq = 0; seq < 3; seq++) {
      caller.send(Phone.tone(seq, 1), s.a().localRtp());
    }
    eventually(() -> s.b().stats().noRemote() == 3);
    assertThat(packets("a_to_b", "no_remote")).isEqualTo(3);
    s.b().remote(callee.address(), null, false); // the callee's answer arrives
    caller.send(Phone.tone(3, 1), s.a().localRtp());
    assertThat(callee.receiveBytes()).isEqualTo(Phone.tone(3, 1));
  }

  @Test
  void whenNoPortPairIsFreeOpenNamesTheSettingToChange() throws Exception {
    MediaRelay relay = relay(32_200, 4); // two pairs: one session
    RelaySession first = relay.open("first");
    assertThatThrownBy(() -> relay.open("second"))
        .isInstanceOf(MediaException.class)
        .hasMessageContaining("no free media port pair in media.port-min..media.port-max")
        .hasMessageContaining("32200-32203")
        .hasMessageContaining("second");
    assertThat(relay.openSessions()).isEqualTo(1);
    first.close();
    relay.open("third").close();
    assertThat(registry.get("evertone.media.sessions.refused").tag("reason", "ports").counter())
        .extracting(c -> c.count())
        .isEqualTo(1.0);

    MediaRelay limited =
        relay(MediaConfig.defaults(LOOPBACK).withPorts(32_210, 32_299).withMaxSessions(1));
    limited.open("one");
    assertThatThrownBy(() -> limited.open("two"))
        .isInstanceOf(MediaException.class)
        .hasMessageContaining("media.max-sessions (1)");
  }

  @Test
  void aPortAnotherProgramHoldsIsSkipped() throws Exception {
    try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, 32_301))) {
      MediaRelay relay = relay(32_300, 8); // four pairs, the first one's RTCP port held
      RelaySession s = relay.open("skip");
      assertThat(List.of(s.a().localRtp().getPort(), s.b().localRtp().getPort()))
          .containsExactly(32_302, 32_304);
      assertThat(squatter.getLocalPort()).isEqualTo(32_301);
      assertThatThrownBy(() -> relay.open("no room"))
          .isInstanceOf(MediaException.class)
          .hasMessageContaining("1 pair held by other programs");
      assertThat(relay.portsInUse()).isEqualTo(4);
    }
  }

  @Test
  void openingAndClosingTenThousandTimesLeaksNoPort() throws Exception {
    MediaRelay relay = relay(32_400, 8);
    for (int i = 0; i < 10_000; i++) {
      relay.open("call-" + i).close();
    }
    assertThat(relay.portsInUse()).isZero();
    assertThat(relay.openSessions()).isZero();
    assertEveryPortFree(32_400, 8);
    RelaySession s1 = relay.open("again-1");
    RelaySession s2 = relay.open("again-2");
    assertThat(relay.portsInUse()).isEqualTo(8);
    s1.close();
    s2.close();
    s2.close(); // twice is harmless
    assertThat(relay.portsInUse()).isZero();
  }

  private static void assertEveryPortFree(int min, int count) throws IOException {
    for (int port = min; port < min + count; port++) {
      try (DatagramSocket probe = new DatagramSocket(null)) {
        probe.setReuseAddress(false);
        probe.bind(new InetSocketAddress(LOOPBACK, port)); // throws if the relay kept it
      }
    }
  }

  @Test
  void theMediaTimeoutClosesASilentSessionAndTellsTheListener() throws Exception {
    MediaRelay relay =
        relay(
            MediaConfig.defaults(LOOPBACK)
                .withPorts(32_500, 32_599)
                .withIoThreads(1)
                .withMediaTimeout(Duration.ofMillis(300)));
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    Phone gone = phone("127.0.0.1");
    RelaySession ringing = relay.open("ringing"); // no packet yet: the timeout has not begun
    RelaySession silent = relay.open("silent");
    silent.a().remote(gone.address(), null, false);
    gone.send(Phone.tone(1, 3), silent.a().localRtp()); // one packet, then the phone vanished
    RelaySession talking = call(relay, caller, callee);
    long end = System.nanoTime() + Duration.ofMillis(700).toNanos();
    for (int seq = 0; System.nanoTime() < end; seq++) {
      caller.send(Phone.tone(seq, 1), talking.a().localRtp());
      callee.receive();
      Thread.sleep(40);
    }
    assertThat(timedOut).containsExactly(silent);
    assertThat(silent.isOpen()).isFalse();
    assertThat(talking.isOpen()).isTrue();
    assertThat(ringing.isOpen()).isTrue();
    ringing.close();
    assertThat(relay.portsInUse()).isEqualTo(4);
    assertThat(registry.get("evertone.media.timeouts").counter().count()).isEqualTo(1);
    // once the talking stops, it times out too (the listener is told after the session closes)
    eventually(() -> timedOut.size() == 2);
    assertThat(talking.isOpen()).isFalse();
    assertThat(timedOut).containsExactly(silent, talking);
    assertThat(relay.portsInUse()).isZero();
  }

  @Test
  void closingTheRelayClosesEverySessionAndFreesEveryPort() throws Exception {
    MediaRelay relay = relay(32_600, 16);
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    List<RelaySession> sessions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RelaySession s = call(relay, caller, callee);
      caller.send(Phone.tone(i, 1), s.a().localRtp());
      callee.receive();
      sessions.add(s);
    }
    relay.close();
    assertThat(sessions).noneMatch(RelaySession::isOpen);
    assertThat(relay.portsInUse()).isZero();
    assertThat(registry.find("evertone.media.sessions").gauge()).isNull();
    assertEveryPortFree(32_600, 16);
    assertThatThrownBy(() -> relay.open("late"))
        .isInstanceOf(MediaException.class)
        .hasMessageContaining("closed");
    assertThat(sessions.get(0).stats().a().packetsReceived()).isEqualTo(1); // still readable
    sessions.get(0).close();
    // a new relay (a restart) gets the whole range back
    MediaRelay restarted = relay(32_600, 16);
    for (int i = 0; i < 4; i++) {
      restarted.open("after-restart-" + i);
    }
    assertThat(restarted.portsInUse()).isEqualTo(16);
  }

  @Test
  void aFloodOnOnePortDelaysNoOtherCallAndCrashesNothing() throws Exception {
    MediaRelay relay = relay(32_700, 100); // one I/O thread: both calls share it
    Phone floodedCaller = phone("127.0.0.1");
    Phone floodedCallee = phone("127.0.0.1");
    RelaySession flooded = call(relay, floodedCaller, floodedCallee);
    // both phones latched first: an attacker on their host could otherwise latch before them
    floodedCaller.send(Phone.tone(0, 4), flooded.a().localRtp());
    floodedCallee.receive();
    floodedCallee.send(Phone.tone(0, 5), flooded.b().localRtp());
    floodedCaller.receive();
    Phone caller = phone("127.0.0.1");
    Phone callee = phone("127.0.0.1");
    RelaySession s = call(relay, caller, callee);
    Phone attacker = phone("127.0.0.1");
    Random random = new Random(42);
    List<InetSocketAddress> targets =
        List.of(
            flooded.a().localRtp(),
            flooded.a().localRtcp(),
            flooded.b().localRtp(),
            flooded.b().localRtcp());
    @Nullable Exception[] failure = new Exception[1];
    Thread flood =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 20_000; i++) {
                  byte[] junk = new byte[1 + random.nextInt(400)];
                  random.nextBytes(junk);
                  attacker.send(junk, i % 10 == 0 ? targets.get(i % 4) : targets.get(0));
                }
              } catch (IOException e) {
                failure[0] = e;
              }
            });
    flood.start();
    for (int seq = 0; seq < 50; seq++) {
      byte[] packet = Phone.tone(seq, 3);
      caller.send(packet, s.a().localRtp());
      assertThat(callee.receiveBytes()).isEqualTo(packet);
    }
    flood.join(10_000);
    assertThat(failure[0]).isNull();
    eventually(() -> flooded.a().stats().malformed() + flooded.a().stats().foreign() > 0);
    // the flooded call still works
    floodedCaller.send(Phone.tone(1, 4), flooded.a().localRtp());
    assertThat(floodedCallee.receiveBytes()).isEqualTo(Phone.tone(1, 4)); // none of the junk
    assertThat(s.a().stats().packetsReceived()).isEqualTo(50);
  }
}
