package dev.evertone.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A TLS load client for SIP registrars, the same for evertone and Kamailio's tls module (Debian's
 * SIPp has no TLS). Three phases, each measured with the server's CPU (utime+stime of its
 * processes, /proc) and memory (the sum of their PSS, /proc/PID/smaps_rollup):
 *
 * <ol>
 *   <li>handshakes: THREADS threads open connections, complete a full TLS handshake (sessions are
 *       never resumed) and close them, for SECONDS;
 *   <li>idle connections: CONNECTIONS persistent connections, each registering one user (REGISTER,
 *       401, REGISTER with digest, 200), then left idle: server memory per connection;
 *   <li>registrations: THREADS threads re-register the users over those connections for SECONDS.
 * </ol>
 *
 * Before them, WARMUP seconds of the same handshakes and registrations, not measured, so that a
 * JIT-compiled server is measured in its steady state, as it runs for months. When a server process
 * is a JVM, its heap is also sampled after a full GC ({@code jcmd PID GC.run}), and the memory per
 * connection is the retained heap plus the PSS growth (start the JVM with a pre-touched fixed heap,
 * {@code -Xms -Xmx -XX:+AlwaysPreTouch}, so that the PSS growth is its memory outside the heap:
 * BoringSSL, direct buffers). Users are those of bench/peers/make-users.sh: u100000.. with password
 * "pw" + user, domain bench.test.
 *
 * <p>usage: TlsLoad PORT CONNECTIONS SECONDS THREADS WARMUP PID[,PID...]
 */
public final class TlsLoad {
  private static final String DOMAIN = "bench.test";
  private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");
  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)");
  private static final AtomicLong BRANCH = new AtomicLong();

  private final InetSocketAddress server;
  private final SSLSocketFactory factory;
  private final List<Integer> pids;

  private TlsLoad(InetSocketAddress server, List<Integer> pids) throws Exception {
    this.server = server;
    this.pids = pids;
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new X509TrustManager[] {new TrustAll()}, new SecureRandom());
    this.factory = ctx.getSocketFactory();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6 || args[5].isBlank()) {
      System.err.println("usage: TlsLoad PORT CONNECTIONS SECONDS THREADS WARMUP PID[,PID...]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    List<Integer> pids = new ArrayList<>();
    for (String p : args[5].split(",", -1)) {
      pids.add(Integer.parseInt(p.trim()));
    }
    TlsLoad load = new TlsLoad(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), pids);
    if (warmup > 0) {
      System.err.printf(
          "warming up: %d s of handshakes, then %d s of registrations over %d connections%n",
          warmup, warmup, Math.min(connections, 200));
      load.run(Math.min(connections, 200), warmup, threads, false);
    }
    load.run(connections, seconds, threads, true);
  }

  private void run(int connections, int seconds, int threads, boolean report) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    java.io.PrintStream out =
        report ? System.out : new java.io.PrintStream(OutputStream.nullOutputStream());
    try {
      // 1. handshake storm: what a fleet of phones reconnecting after an outage costs
      AtomicInteger handshakes = new AtomicInteger();
      AtomicInteger handshakeFailures = new AtomicInteger();
      long cpu0 = serverCpuTicks();
      long t0 = System.nanoTime();
      long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<?>> storm = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        storm.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    try (SSLSocket s = connect()) {
                      s.getSession()
                          .invalidate(); // never resumed: every handshake is a full one, as a
                      // phone's first
                      handshakes.incrementAndGet();
                    } catch (IOException e) {
                      handshakeFailures.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      waitAll(storm);
      double stormSeconds = (System.nanoTime() - t0) / 1e9;
      long stormCpu = serverCpuTicks() - cpu0;
      out.printf(
          "handshakes %d in %.1f s: %.0f/s, %d failed, server CPU %.0f us/handshake%n",
          handshakes.get(),
          stormSeconds,
          handshakes.get() / stormSeconds,
          handshakeFailures.get(),
          micros(stormCpu) / Math.max(1, handshakes.get()));
      Thread.sleep(2000);

      // 2. persistent connections, each registered once, then idle
      long heap0 = jvmHeapKib();
      long pss0 = serverPssKib();
      List<Phone> phones = new ArrayList<>();
      AtomicInteger setupFailures = new AtomicInteger();
      List<Future<List<Phone>>> opening = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int lane = t;
        opening.add(
            pool.submit(
                () -> {
                  List<Phone> mine = new ArrayList<>();
                  for (int i = lane; i < connections; i += threads) {
                    try {
                      Phone p = new Phone(connect(), "u" + (100000 + i));
                      if (p.register()) {
                        mine.add(p);
                      } else {
                        setupFailures.incrementAndGet();
                      }
                    } catch (IOException e) {
                      setupFailures.incrementAndGet();
                    }
                  }
                  return mine;
                }));
      }
      for (Future<List<Phone>> f : opening) {
        phones.addAll(f.get());
      }
      Thread.sleep(3000);
      long heap1 = jvmHeapKib();
      long pss1 = serverPssKib();
      int n = Math.max(1, phones.size());
      String heap = heap0 < 0 ? "" : String.format(" + retained heap %d -> %d KiB", heap0, heap1);
      out.printf(
          "idle connections %d (%d failed): server PSS %d -> %d KiB%s, %.1f KiB per connection%n",
          phones.size(),
          setupFailures.get(),
          pss0,
          pss1,
          heap,
          (pss1 - pss0 + (heap0 < 0 ? 0 : heap1 - heap0)) / (double) n);

      // 3. re-registrations over the persistent connections
      AtomicInteger registrations = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      long cpu1 = serverCpuTicks();
      long t1 = System.nanoTime();
      long end2 = t1 + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<?>> loops = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int lane = t;
        loops.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end2) {
                    for (int i = lane;
                        i < phones.size() && System.nanoTime() < end2;
                        i += threads) {
                      boolean ok;
                      try {
                        ok = phones.get(i).register();
                      } catch (IOException e) {
                        ok = false;
                      }
                      (ok ? registrations : failures).incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      waitAll(loops);
      double regSeconds = (System.nanoTime() - t1) / 1e9;
      long regCpu = serverCpuTicks() - cpu1;
      int open = 0;
      for (Phone p : phones) {
        open += p.socket.isClosed() ? 0 : 1;
        p.socket.close();
      }
      out.printf(
          "registrations %d in %.1f s: %.0f/s, %d failed, server CPU %.0f us/registration, %d of %d connections open%n",
          registrations.get(),
          regSeconds,
          registrations.get() / regSeconds,
          failures.get(),
          micros(regCpu) / Math.max(1, registrations.get()),
          open,
          phones.size());
    } finally {
      pool.shutdownNow();
    }
  }

  private SSLSocket connect() throws IOException {
    Socket tcp = new Socket();
    tcp.setTcpNoDelay(true);
    tcp.connect(server, 5000);
    SSLSocket s = (SSLSocket) factory.createSocket(tcp, "bench.test", server.getPort(), true);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  private static void waitAll(List<Future<?>> futures) throws Exception {
    for (Future<?> f : futures) {
      f.get();
    }
  }

  private static double micros(long ticks) {
    return ticks * 1_000_000.0 / 100; // USER_HZ is 100 on Linux
  }

  private long serverCpuTicks() throws IOException {
    long total = 0;
    for (int pid : pids) {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      total += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }
    return total;
  }

  /**
   * The heap in use after a full GC, summed over the server processes that are JVMs; -1 when none
   * is.
   */
  private long jvmHeapKib() throws IOException, InterruptedException {
    long total = -1;
    for (int pid : pids) {
      if (!Files.readString(Path.of("/proc/" + pid + "/cmdline")).startsWith("java")) {
        continue;
      }
      jcmd(pid, "GC.run");
      Thread.sleep(
          500); // objects freed by cleaners and finalizers of the first collection go in the second
      jcmd(pid, "GC.run");
      Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
      if (!m.find()) {
        throw new IOException("jcmd " + pid + " GC.heap_info: no 'used' figure");
      }
      total = Math.max(total, 0) + Long.parseLong(m.group(1));
    }
    return total;
  }

  private static String jcmd(int pid, String command) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(java.toString(), Integer.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }

  private long serverPssKib() throws IOException {
    long total = 0;
    for (int pid : pids) {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          total += Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    }
    return total;
  }

  /** One device: a persistent TLS connection and its user. */
  private static final class Phone {
    private final SSLSocket socket;
    private final String user;
    private final InputStream in;
    private final OutputStream out;
    private final String callId;
    private int cseq;

    Phone(SSLSocket socket, String user) throws IOException {
      this.socket = socket;
      this.user = user;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
      this.callId = user + "-" + System.nanoTime();
    }

    /** REGISTER, 401, REGISTER with digest (MD5, qop=auth), 200: true when the last is a 200. */
    boolean register() throws IOException {
      String challenge = exchange(request(null));
      if (challenge == null || !challenge.startsWith("SIP/2.0 401")) {
        return false;
      }
      Matcher m = NONCE.matcher(challenge);
      if (!m.find()) {
        return false;
      }
      String nonce = m.group(1);
      String uri = "sip:" + DOMAIN;
      String ha1 = md5(user + ":" + DOMAIN + ":pw" + user);
      String response =
          md5(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + md5("REGISTER:" + uri));
      String auth =
          "Digest username=\""
              + user
              + "\", realm=\""
              + DOMAIN
              + "\", nonce=\""
              + nonce
              + "\", uri=\""
              + uri
              + "\", response=\""
              + response
              + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
      String ok = exchange(request(auth));
      return ok != null && ok.startsWith("SIP/2.0 200");
    }

    private String request(@Nullable String auth) {
      int port = socket.getLocalPort();
      return "REGISTER sip:"
          + DOMAIN
          + " SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:"
          + port
          + ";branch=z9hG4bK"
          + BRANCH.incrementAndGet()
          + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:"
          + user
          + "@"
          + DOMAIN
          + ">;tag="
          + user
          + "\r\nTo: <sip:"
          + user
          + "@"
          + DOMAIN
          + ">\r\nCall-ID: "
          + callId
          + "\r\nCSeq: "
          + ++cseq
          + " REGISTER\r\nContact: <sip:"
          + user
          + "@127.0.0.1:"
          + port
          + ";transport=tls>\r\n"
          + (auth == null ? "" : "Authorization: " + auth + "\r\n")
          + "Expires: 3600\r\nUser-Agent: evertone-bench\r\nContent-Length: 0\r\n\r\n";
    }

    /**
     * Sends a request; the first final response (provisional ones skipped), or null when the server
     * closed the connection.
     */
    private @Nullable String exchange(String request) throws IOException {
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      while (true) {
        String message = read();
        if (message == null || !message.startsWith("SIP/2.0 1")) {
          return message;
        }
      }
    }

    private @Nullable String read() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream(512);
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        if (head.size() == 0 && (b == '\r' || b == '\n')) {
          continue; // keep-alive
        }
        head.write(b);
        matched =
            (b == '\r' && (matched == 0 || matched == 2))
                    || (b == '\n' && (matched == 1 || matched == 3))
                ? matched + 1
                : 0;
      }
      String text = head.toString(StandardCharsets.US_ASCII);
      Matcher m = CONTENT_LENGTH.matcher(text);
      if (m.find()) {
        in.skipNBytes(Integer.parseInt(m.group(1)));
      }
      return text;
    }
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The benchmark talks to a self-signed certificate on loopback; what is measured is the server's
   * cost.
   */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
