package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An endpoint leg over real UDP sockets: what a party's packets tell evertone. */
class EndpointLegTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 2000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  private EndpointLeg leg(Phone phone) throws Exception {
    MediaRelay relay =
        MediaRelay.start(
            MediaConfig.defaults(InetAddress.getLoopbackAddress())
                .withPorts(35_000, 35_019)
                .withIoThreads(1),
            new SimpleMeterRegistry(),
            s -> {});
    resources.add(relay);
    EndpointLeg leg = relay.openEndpoint("call", null);
    leg.remote(phone.address(), null);
    return leg;
  }

  private Phone phone(String host) throws Exception {
    Phone p = new Phone(host);
    resources.add(p);
    return p;
  }

  @Test
  void keysArePressedOnceAndAStrangerIsNeitherHeardNorLatched() throws Exception {
    Phone phone = phone("127.0.0.1");
    Phone stranger = phone("127.0.0.2");
    EndpointLeg leg = leg(phone);
    List<Character> keys = new CopyOnWriteArrayList<>();
    leg.listen(
        new EndpointListener() {
          @Override
          public void dtmf(EndpointLeg l, char digit) {
            keys.add(digit);
          }
        });
    leg.telephoneEvent(101);
    // the settings are applied on the leg's loop in order: once a call through the loop returns,
    // they are in place (a packet read before them would find no telephone-event type: a loaded
    // machine made this test fail)
    var unused = leg.stats();
    // a stranger's key first: not the party's (the signalled host is 127.0.0.1)
    stranger.send(Phone.rtp(101, 1, 160, 9, new byte[] {7, 0, 0, 80}), leg.localRtp());
    for (int i = 0; i < 3; i++) { // one press of 5, three packets (RFC 4733 2.5.1.3)
      phone.send(
          Phone.rtp(101, 10 + i, 8000, 1, new byte[] {5, 0, 0, (byte) (80 * i)}), leg.localRtp());
    }
    phone.send(Phone.rtp(101, 13, 9600, 1, new byte[] {11, 0, 0, 80}), leg.localRtp());
    eventually(() -> keys.size() == 2);
    assertThat(keys).containsExactly('5', '#');
    EndpointStats stats = leg.stats();
    assertThat(stats.latched()).isEqualTo(phone.address());
    assertThat(stats.foreign()).isEqualTo(1);
    assertThat(stats.dtmf()).isEqualTo(2);
  }

  @Test
  void thePartysRtcpShowsItIsThereWhileItsRtpIsSilent() throws Exception {
    Phone phone = phone("127.0.0.1");
    Phone stranger = phone("127.0.0.2");
    EndpointLeg leg = leg(phone);
    InetSocketAddress rtcp =
        new InetSocketAddress(leg.localRtp().getAddress(), leg.localRtp().getPort() + 1);
    Thread.sleep(300);
    long before = leg.lastPacketNanos();
    stranger.send(Phone.emptyReceiverReport(9), rtcp);
    Thread.sleep(100);
    assertThat(leg.lastPacketNanos()).as("a stranger's RTCP").isEqualTo(before);
    phone.send(Phone.emptyReceiverReport(1), rtcp);
    eventually(() -> leg.stats().rtcpReceived() == 1);
    assertThat(leg.lastPacketNanos()).isGreaterThan(before);
  }
}
