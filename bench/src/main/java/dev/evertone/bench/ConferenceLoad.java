package dev.evertone.bench;

import dev.evertone.media.EndpointLeg;
import dev.evertone.media.MediaConfig;
import dev.evertone.media.MediaLoop;
import dev.evertone.media.MediaRelay;
import dev.evertone.media.Mixer;
import dev.evertone.media.audio.G711;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Conference mixing load, in one process: ROOMS rooms of PARTIES parties on evertone's media relay
 * (its endpoint legs and one mixer per room, as conference calls use them, without the SIP), each
 * party a UDP socket sending 20 ms G.711 packets (50 per second) and reading what the mixer sends
 * back. Measured over MEASURE seconds after WARM: the mixers' late frames (frames of ticks more
 * than 5 ms late), the CPU of the relay's I/O threads (where decoding, jitter buffers, mixing,
 * encoding and sending run) per participant, and the packets the parties received against those
 * expected.
 *
 * <p>usage: ConferenceLoad ROOMS PARTIES [WARM] [MEASURE] [IO_THREADS]
 */
public final class ConferenceLoad {
  private ConferenceLoad() {}

  public static void main(String[] args) throws Exception {
    int rooms = Integer.parseInt(args[0]);
    int parties = Integer.parseInt(args[1]);
    int warm = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int measure = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int ioThreads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    InetAddress lo = InetAddress.getLoopbackAddress();
    MediaRelay relay =
        MediaRelay.start(
            MediaConfig.defaults(lo).withPorts(40_000, 49_999).withIoThreads(ioThreads),
            new SimpleMeterRegistry(),
            s -> {});
    List<Mixer> mixers = new ArrayList<>();
    List<DatagramChannel> clients = new ArrayList<>();
    List<InetSocketAddress> targets = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      MediaLoop loop = relay.loop();
      Mixer mixer = new Mixer(loop, null);
      mixers.add(mixer);
      for (int p = 0; p < parties; p++) {
        DatagramChannel client = DatagramChannel.open();
        client.bind(new InetSocketAddress(lo, 0));
        client.configureBlocking(false);
        EndpointLeg leg = relay.openEndpoint("room" + r + "-" + p, loop);
        leg.remote((InetSocketAddress) client.getLocalAddress(), null);
        leg.sends(G711.PCMU, 0);
        mixer.add(leg);
        clients.add(client);
        targets.add(leg.localRtp());
      }
    }
    int n = clients.size();
    // each party's tone: 200 Hz + 10 Hz per party, at a tenth of full scale (a talker, not a siren)
    byte[][] payloads = new byte[n][160 * 50];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < payloads[i].length; s++) {
        payloads[i][s] =
            G711.PCMU.encode(
                (short) (3000 * Math.sin(2 * Math.PI * (200 + 10 * (i % 50)) * s / 8000.0)));
      }
    }
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong received = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    int senders = 2;
    long start = System.nanoTime();
    long end = start + (warm + measure) * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(senders);
    for (int t = 0; t < senders; t++) {
      int first = t;
      Thread th =
          new Thread(
              () -> {
                ByteBuffer out = ByteBuffer.allocateDirect(172);
                ByteBuffer in = ByteBuffer.allocateDirect(2048);
                try {
                  for (long tick = 0; ; tick++) {
                    long due = start + tick * 20_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (System.nanoTime() > end) {
                      break;
                    }
                    for (int i = first; i < n; i += senders) {
                      out.clear();
                      out.put((byte) 0x80).put((byte) 0).putShort((short) tick);
                      out.putInt((int) (tick * 160)).putInt(0x1000 + i);
                      out.put(payloads[i], (int) (tick % 50) * 160, 160).flip();
                      clients.get(i).send(out, targets.get(i));
                      sent.incrementAndGet();
                      in.clear();
                      while (clients.get(i).receive(in) != null) {
                        received.incrementAndGet();
                        in.clear();
                      }
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  failure.compareAndSet(null, e); // told when the run ends
                } finally {
                  done.countDown();
                }
              },
              "load-" + t);
      th.setDaemon(true);
      th.start();
    }
    Thread.sleep(warm * 1000L);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mediaCpu(mx);
    long proc0 = processCpu();
    long frames0 = mixers.stream().mapToLong(Mixer::frames).sum();
    long late0 = mixers.stream().mapToLong(Mixer::lateFrames).sum();
    long rx0 = received.get();
    long t0 = System.nanoTime();
    Thread.sleep(measure * 1000L);
    long cpu1 = mediaCpu(mx);
    long proc1 = processCpu();
    long frames = mixers.stream().mapToLong(Mixer::frames).sum() - frames0;
    long late = mixers.stream().mapToLong(Mixer::lateFrames).sum() - late0;
    long rx = received.get() - rx0;
    double seconds = (System.nanoTime() - t0) / 1e9;
    done.await();
    if (failure.get() != null) {
      throw new IllegalStateException("the load client failed", failure.get());
    }
    double mediaCores = (cpu1 - cpu0) / 1e9 / seconds;
    double expectedFrames = n * 50.0 * seconds;
    System.out.println(
        String.format(
            Locale.ROOT,
            "rooms=%d parties=%d participants=%d seconds=%.1f frames=%d expected_frames=%.0f"
                + " late_frames=%d late_pct=%.3f media_cpu_cores=%.3f cpu_per_participant_pct=%.4f"
                + " process_cpu_cores=%.3f received_pct=%.2f io_threads=%d media_cpu_us_per_frame=%.2f"
                + " participants_per_core_at_this_cost=%.0f load_average=%s",
            rooms,
            parties,
            n,
            seconds,
            frames,
            expectedFrames,
            late,
            frames == 0 ? 0 : 100.0 * late / frames,
            mediaCores,
            100.0 * mediaCores / n,
            (proc1 - proc0) / 1e9 / seconds,
            100.0 * rx / expectedFrames,
            Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().startsWith("media-io"))
                .count(),
            frames == 0 ? 0 : (cpu1 - cpu0) / 1000.0 / frames,
            frames == 0 ? 0 : 1e9 / ((double) (cpu1 - cpu0) / frames) / 50,
            String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())));
    relay.close();
    System.exit(0);
  }

  /** CPU time of the relay's I/O threads (decoding, mixing, encoding, sending), nanoseconds. */
  private static long mediaCpu(ThreadMXBean mx) {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("media-io")) {
        long c = mx.getThreadCpuTime(t.getId());
        if (c > 0) {
          sum += c;
        }
      }
    }
    return sum;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
