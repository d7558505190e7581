package dev.evertone.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A STUN Binding load client that is not the bottleneck: several threads, each with its own UDP
 * socket, keep a window of requests in flight and count the answers for a fixed time. The same
 * client measures evertone and coturn (bench/stun.sh).
 *
 * <p>usage: StunLoad HOST PORT THREADS WINDOW SECONDS - prints "answers=N rate=R/s lost=L"
 */
public final class StunLoad {
  private StunLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: StunLoad HOST PORT THREADS WINDOW SECONDS");
    }
    InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int threads = Integer.parseInt(args[2]);
    int window = Integer.parseInt(args[3]);
    long millis = Long.parseLong(args[4]) * 1000;
    AtomicLong answers = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong pending = new AtomicLong();
    long end = System.currentTimeMillis() + millis;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] =
          new Thread(() -> run(server, window, end, answers, sent, pending), "stun-load-" + t);
      workers[t].start();
    }
    long start = System.nanoTime();
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // what was still in flight when the time was up is not lost
    System.out.printf(
        "answers=%d rate=%.0f/s lost=%d%n",
        answers.get(), answers.get() / seconds, sent.get() - answers.get() - pending.get());
  }

  private static void run(
      InetSocketAddress server,
      int window,
      long end,
      AtomicLong answers,
      AtomicLong sent,
      AtomicLong pending) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setReceiveBufferSize(4 << 20);
      socket.setSoTimeout(200);
      socket.connect(server);
      byte[] request = new byte[20];
      byte[] in = new byte[1500];
      DatagramPacket answer = new DatagramPacket(in, in.length);
      int inFlight = 0;
      while (System.currentTimeMillis() < end) {
        while (inFlight < window) {
          ByteBuffer.wrap(request)
              .putShort((short) 0x0001)
              .putShort((short) 0)
              .putInt(0x2112A442)
              .putLong(ThreadLocalRandom.current().nextLong())
              .putInt(ThreadLocalRandom.current().nextInt());
          socket.send(new DatagramPacket(request, request.length));
          sent.incrementAndGet();
          inFlight++;
        }
        try {
          socket.receive(answer);
          answers.incrementAndGet();
          inFlight--;
        } catch (SocketTimeoutException e) {
          inFlight = 0; // lost in the kernel's buffers: refill the window
        }
      }
      pending.addAndGet(inFlight);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
