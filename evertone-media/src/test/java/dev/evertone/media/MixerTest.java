package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.audio.G711;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A conference mixer over real UDP sockets on loopback: three plain sockets play the phones, each
 * sending a constant level (so that what each hears is a number to check, the sum of the others'),
 * and the test reads what each receives.
 */
class MixerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int[] LEVELS = {1000, 2000, 4000};

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private record Party(Phone phone, EndpointLeg leg) {}

  private List<Party> room(MediaRelay relay, MediaLoop loop, int n) throws Exception {
    List<Party> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Phone phone = new Phone("127.0.0.1");
      resources.add(phone);
      EndpointLeg leg = relay.openEndpoint("call-" + i, loop);
      leg.remote(phone.address(), null);
      leg.sends(G711.PCMU, 0);
      out.add(new Party(phone, leg));
    }
    return out;
  }

  /**
   * Each phone sends {@code frames} packets of its level, 20 ms apart ({@code silent} sends none),
   * and reads what it receives meanwhile: the level each phone heard in the second half of that
   * time, when the jitter buffers are full (the median of the packets' middle samples).
   */
  private static int[] talk(List<Party> parties, int from, int frames, int silent)
      throws Exception {
    byte[][] payloads = new byte[parties.size()][160];
    List<List<Integer>> heard = new ArrayList<>();
    for (int p = 0; p < parties.size(); p++) {
      Arrays.fill(payloads[p], G711.PCMU.encode((short) LEVELS[p]));
      heard.add(new ArrayList<>());
    }
    long start = System.nanoTime();
    for (int seq = from; seq < from + frames; seq++) {
      for (int p = 0; p < parties.size(); p++) {
        Party party = parties.get(p);
        if (p != silent) {
          party
              .phone()
              .send(Phone.rtp(0, seq, 160L * seq, 0x100 + p, payloads[p]), party.leg().localRtp());
        }
        DatagramPacket in;
        while ((in = party.phone().receiveWithin(1)) != null) {
          assertThat(in.getLength()).isEqualTo(172);
          assertThat(in.getData()[1] & 0x7f).as("PCMU").isZero();
          if (seq - from >= frames / 2) {
            heard.get(p).add((int) G711.PCMU.decode(in.getData()[12 + 80]));
          }
        }
      }
      long wait = start + (seq - from + 1) * 20_000_000L - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    int[] levels = new int[parties.size()];
    for (int p = 0; p < parties.size(); p++) {
      List<Integer> h = heard.get(p).stream().sorted().toList();
      assertThat(h)
          .as("packets phone " + p + " received; " + parties.get(p).leg().stats())
          .hasSizeGreaterThan(frames / 2 - 5);
      levels[p] = h.get(h.size() / 2);
    }
    return levels;
  }

  private MediaRelay relay() {
    MediaRelay relay =
        MediaRelay.start(
            MediaConfig.defaults(LOOPBACK).withPorts(33_000, 33_099).withIoThreads(2),
            registry,
            s -> {});
    resources.add(relay);
    return relay;
  }

  @Test
  void eachPartyHearsTheOtherTwoAndNotItself() throws Exception {
    MediaRelay relay = relay();
    MediaLoop loop = relay.loop();
    List<Party> parties = room(relay, loop, 3);
    Mixer mixer = new Mixer(loop, null);
    parties.forEach(p -> mixer.add(p.leg()));
    int[] heard = talk(parties, 0, 50, -1);
    assertThat(heard[0])
        .as(parties.get(0).leg().stats().toString())
        .isCloseTo(6000, withinPercent());
    assertThat(heard[1]).isCloseTo(5000, withinPercent());
    assertThat(heard[2]).isCloseTo(3000, withinPercent());
    assertThat(mixer.size()).isEqualTo(3);
    assertThat(mixer.frames()).isGreaterThan(100);
    assertThat(parties.get(0).leg().stats().packetsReceived()).isEqualTo(50);
    assertThat(relay.openEndpoints()).isEqualTo(3);
    parties.forEach(p -> p.leg().close());
    assertThat(relay.openEndpoints()).isZero();
    assertThat(relay.portsInUse()).isZero();
  }

  @Test
  void aMutedPartyHearsTheOthersAndASilentOneIsConcealedThenLeftOut() throws Exception {
    MediaRelay relay = relay();
    MediaLoop loop = relay.loop();
    List<Party> parties = room(relay, loop, 3);
    Mixer mixer = new Mixer(loop, null);
    parties.forEach(p -> mixer.add(p.leg()));
    mixer.mute(parties.get(2).leg(), true);
    int[] heard = talk(parties, 0, 40, -1);
    assertThat(heard[0]).as("4000 is muted").isCloseTo(2000, withinPercent());
    assertThat(heard[2]).as("the muted party hears everyone").isCloseTo(3000, withinPercent());
    mixer.mute(parties.get(2).leg(), false);
    // party 1 stops sending (lost packets, a phone gone): after a few concealed frames, silence
    heard = talk(parties, 40, 40, 1);
    assertThat(heard[0]).isCloseTo(4000, withinPercent());
    assertThat(heard[2]).isCloseTo(1000, withinPercent());
    assertThat(parties.get(1).leg().stats().concealed())
        .isEqualTo(dev.evertone.media.audio.JitterBuffer.MAX_CONCEALED);
  }

  @Test
  void aPromptReplacesTheMixForItsPartyOnly() throws Exception {
    MediaRelay relay = relay();
    MediaLoop loop = relay.loop();
    List<Party> parties = room(relay, loop, 2);
    Mixer mixer = new Mixer(loop, null);
    parties.forEach(p -> mixer.add(p.leg()));
    short[] samples = new short[160 * 500];
    Arrays.fill(samples, (short) 7000);
    parties.get(0).leg().play(dev.evertone.media.audio.AudioClip.of("prompt", samples), true);
    int[] heard = talk(parties, 0, 30, -1);
    assertThat(heard[0]).as("the prompt").isCloseTo(7000, withinPercent());
    assertThat(heard[1]).as("the mix").isCloseTo(1000, withinPercent());
  }

  private static org.assertj.core.data.Percentage withinPercent() {
    return org.assertj.core.data.Percentage.withPercentage(6);
  }
}
