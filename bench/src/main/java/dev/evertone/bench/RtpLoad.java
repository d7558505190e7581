package dev.evertone.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * An RTP load client for media relays: CALLS calls, each with two endpoints (UDP sockets on
 * loopback) that send 172-byte G.711 RTP packets (12 bytes of header, 160 of PCMU) every 20 ms to
 * their relay port, both directions (100 relayed packets per second per call). One sender thread
 * paces all endpoints (spread over 20 one-millisecond slots of the 20 ms period), one receiver
 * thread counts what arrives. The same client loads rtpengine and evertone (bench/media.sh).
 *
 * <p>Sessions are set up the way each relay is driven: {@code ng} sends rtpengine's NG protocol
 * (offer/answer with trust-address, delete at the end) to SERVER; {@code sip} registers "callee" at
 * evertone's proxy SERVER (digest), places each call as an INVITE from a benchmark user (answering
 * the 407), answers it as the callee with 200 OK, ACKs, and BYEs at the end; the relay ports are
 * read from the SDP each side receives.
 *
 * <p>Measured: packets sent and received whose send time lies in the measured window (loss = the
 * difference, counted after the last of them could arrive), the receiver's interarrival jitter of
 * each stream (RFC 3550 6.4.1, from the send time carried in the payload, so the sender's own
 * pacing error is not counted), the transit time's 99th percentile, the server's CPU over the
 * window (utime+stime of every thread of the processes PIDS, /proc/PID/stat) and its resident
 * memory (VmRSS) before and after setting the calls up.
 *
 * <p>usage: RtpLoad ng|sip HOST:PORT CALLS WARMUP_SECONDS MEASURE_SECONDS PIDS(comma) [USERS] -
 * prints one line of key=value
 */
// a load tool: loopback literals, simple splits of known text
@SuppressWarnings({"StringSplitter", "AddressSelection", "UnnecessaryParentheses"})
public final class RtpLoad {
  private static final int PERIOD_MS = 20;
  private static final int SIZE = 172;
  private static final String DOMAIN = "bench.test";
  private static final int UAS_PORT = Integer.getInteger("uas.port", 5098);

  private RtpLoad() {}

  /** One call: endpoint a (caller) and b (callee), and where each sends. */
  private static final class Call {
    final DatagramChannel a;
    final DatagramChannel b;
    @Nullable InetSocketAddress aSendsTo;
    @Nullable InetSocketAddress bSendsTo;
    // SIP dialog state (sip mode)
    String callId = "";
    String toTag = "";
    String target = "";
    List<String> routes = new ArrayList<>();
    String user = "";

    Call(DatagramChannel a, DatagramChannel b) {
      this.a = a;
      this.b = b;
    }
  }

  /** Per receiving endpoint. */
  private static final class Stream {
    long prevTransit = Long.MIN_VALUE;
    double jitter; // ns
    double maxJitter; // ns, within the window
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      throw new IllegalArgumentException(
          "usage: RtpLoad ng|sip HOST:PORT CALLS WARMUP_SECONDS MEASURE_SECONDS PIDS [USERS]");
    }
    String mode = args[0];
    String[] hp = args[1].split(":", 2);
    InetSocketAddress server = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    int n = Integer.parseInt(args[2]);
    long warmup = Long.parseLong(args[3]) * 1_000_000_000L;
    long measure = Long.parseLong(args[4]) * 1_000_000_000L;
    List<Integer> pids = new ArrayList<>();
    for (String p : args[5].split("[, ]+")) {
      if (!p.isEmpty()) {
        pids.add(Integer.parseInt(p));
      }
    }
    int users = args.length > 6 ? Integer.parseInt(args[6]) : 1000;
    String run = Long.toHexString(System.nanoTime());

    long rss0 = rss(pids);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(new Call(endpoint(), endpoint()));
    }
    long setupStart = System.nanoTime();
    Signalling sig = mode.equals("ng") ? new Ng(server, run) : new Sip(server, run, users);
    for (int i = 0; i < n; i++) {
      sig.setUp(i, calls.get(i));
    }
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    Thread.sleep(300);
    long rss1 = rss(pids);

    int endpoints = 2 * n;
    DatagramChannel[] ch = new DatagramChannel[endpoints];
    for (int i = 0; i < n; i++) {
      Call c = calls.get(i);
      ch[2 * i] = c.a;
      ch[2 * i + 1] = c.b;
      c.a.connect(require(c.aSendsTo));
      c.b.connect(require(c.bSendsTo));
      c.a.configureBlocking(false);
      c.b.configureBlocking(false);
    }
    long start = System.nanoTime();
    long winStart = start + warmup;
    long winEnd = winStart + measure;
    long stopAt = winEnd + 500_000_000L; // keep the load on until the window's packets arrived
    Counters cnt = new Counters();
    Stream[] streams = new Stream[endpoints];
    for (int i = 0; i < endpoints; i++) {
      streams[i] = new Stream();
    }
    long[] transit = new long[10_001]; // 0.1 ms bins up to 1 s
    Selector selector = Selector.open();
    for (int i = 0; i < endpoints; i++) {
      ch[i].register(selector, SelectionKey.OP_READ, i);
    }
    Thread receiver =
        new Thread(
            () -> receive(selector, streams, transit, cnt, winStart, winEnd), "rtp-receiver");
    receiver.setDaemon(true);
    receiver.start();

    long[] cpu = new long[4];
    List<Integer> self = List.of((int) ProcessHandle.current().pid());
    Thread sampler =
        new Thread(
            () -> {
              LockSupport.parkNanos(winStart - System.nanoTime());
              cpu[0] = ticks(pids);
              cpu[2] = ticks(self);
              LockSupport.parkNanos(winEnd - System.nanoTime());
              cpu[1] = ticks(pids);
              cpu[3] = ticks(self);
            },
            "cpu-sampler");
    sampler.start();
    send(ch, start, stopAt, winStart, winEnd, cnt);
    sampler.join();
    Thread.sleep(300);
    cnt.stop = true;
    receiver.join();
    selector.close();
    long rss2 = rss(pids);
    int failed = 0;
    for (int i = 0; i < n; i++) {
      failed += sig.tearDown(i, calls.get(i)) ? 0 : 1;
    }
    sig.close();
    for (DatagramChannel c : ch) {
      c.close();
    }

    double jitterSum = 0;
    double jitterMax = 0;
    for (Stream s : streams) {
      jitterSum += s.jitter;
      jitterMax = Math.max(jitterMax, s.maxJitter);
    }
    long total = 0;
    for (long t : transit) {
      total += t;
    }
    long seen = 0;
    int p99 = transit.length - 1;
    for (int i = 0; i < transit.length; i++) {
      seen += transit[i];
      if (seen * 100 >= total * 99) {
        p99 = i;
        break;
      }
    }
    long hz = Long.getLong("hz", 100L);
    double cpuSeconds = (cpu[1] - cpu[0]) / (double) hz;
    long lost = cnt.sentWin - cnt.recvWin;
    System.out.printf(
        Locale.ROOT,
        "calls=%d sent=%d received=%d lost=%d loss_pct=%.4f us_per_packet=%.3f cpu_pct=%.1f"
            + " client_cpu_pct=%.1f jitter_mean_ms=%.3f jitter_max_ms=%.3f transit_p99_ms=%.1f send_late_max_ms=%.1f"
            + " rss_before_kb=%d rss_setup_kb=%d rss_load_kb=%d setup_s=%.2f teardown_failed=%d%n",
        n,
        cnt.sentWin,
        cnt.recvWin,
        lost,
        cnt.sentWin == 0 ? 100.0 : 100.0 * lost / cnt.sentWin,
        cnt.recvWin == 0 ? Double.NaN : cpuSeconds * 1e6 / cnt.recvWin,
        100.0 * cpuSeconds / (measure / 1e9),
        100.0 * (cpu[3] - cpu[2]) / hz / (measure / 1e9),
        jitterSum / endpoints / 1e6,
        jitterMax / 1e6,
        p99 / 10.0,
        cnt.lateMax / 1e6,
        rss0,
        rss1,
        rss2,
        setupSeconds,
        failed);
  }

  private static <T> T require(@Nullable T t) {
    if (t == null) {
      throw new IllegalStateException("a call was not set up");
    }
    return t;
  }

  private static DatagramChannel endpoint() throws IOException {
    DatagramChannel c = DatagramChannel.open();
    c.bind(new InetSocketAddress("127.0.0.1", 0));
    return c;
  }

  private static int port(DatagramChannel c) {
    try {
      return ((InetSocketAddress) require(c.getLocalAddress())).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counters shared by the sender and the receiver. */
  private static final class Counters {
    volatile long sentWin;
    volatile long recvWin;
    volatile long lateMax;
    volatile boolean stop;
  }

  private static void send(
      DatagramChannel[] ch, long start, long stopAt, long winStart, long winEnd, Counters cnt)
      throws IOException {
    int endpoints = ch.length;
    int[] seq = new int[endpoints];
    int[] ssrc = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      ssrc[i] = ThreadLocalRandom.current().nextInt();
      seq[i] = ThreadLocalRandom.current().nextInt(1 << 16);
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(SIZE);
    for (int i = 12; i < SIZE; i++) {
      buf.put(i, (byte) 0xff); // PCMU silence
    }
    long sentWin = 0;
    long lateMax = 0;
    int slots = PERIOD_MS;
    for (long tick = 0; ; tick++) {
      long due = start + tick * 1_000_000L;
      if (due >= stopAt) {
        break;
      }
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
      } else if (now - due > lateMax) {
        lateMax = now - due;
      }
      int slot = (int) (tick % slots);
      long period = tick / slots;
      for (int i = slot; i < endpoints; i += slots) {
        long t = System.nanoTime();
        buf.clear();
        buf.put(0, (byte) 0x80);
        buf.put(1, (byte) 0); // PCMU
        buf.putShort(2, (short) (seq[i]++));
        buf.putInt(4, (int) (period * 160));
        buf.putInt(8, ssrc[i]);
        buf.putLong(12, t);
        try {
          ch[i].write(buf);
        } catch (IOException e) {
          continue; // ICMP port unreachable of an earlier packet: counted as lost
        }
        if (t >= winStart && t < winEnd) {
          sentWin++;
        }
      }
      if ((tick & 63) == 0) {
        cnt.sentWin = sentWin;
        cnt.lateMax = lateMax;
      }
    }
    cnt.sentWin = sentWin;
    cnt.lateMax = lateMax;
  }

  private static void receive(
      Selector selector,
      Stream[] streams,
      long[] transit,
      Counters cnt,
      long winStart,
      long winEnd) {
    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
    long recvWin = 0;
    try {
      while (!cnt.stop) {
        if (selector.select(100) == 0) {
          continue;
        }
        for (SelectionKey key : selector.selectedKeys()) {
          DatagramChannel c = (DatagramChannel) key.channel();
          Stream s = streams[(Integer) key.attachment()];
          while (true) {
            buf.clear();
            int len;
            try {
              len = c.read(buf);
            } catch (IOException e) {
              break;
            }
            if (len <= 0) {
              break;
            }
            long now = System.nanoTime();
            if (len < 20) {
              continue;
            }
            long sentAt = buf.getLong(12);
            long d = now - sentAt;
            if (s.prevTransit != Long.MIN_VALUE) {
              s.jitter += (Math.abs(d - s.prevTransit) - s.jitter) / 16.0;
            }
            s.prevTransit = d;
            if (sentAt >= winStart && sentAt < winEnd) {
              recvWin++;
              if (s.jitter > s.maxJitter) {
                s.maxJitter = s.jitter;
              }
              transit[(int) Math.min(transit.length - 1, Math.max(0, d / 100_000))]++;
            }
          }
        }
        selector.selectedKeys().clear();
        cnt.recvWin = recvWin;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cnt.recvWin = recvWin;
  }

  /** utime+stime of the processes (all their threads), in clock ticks. */
  private static long ticks(List<Integer> pids) {
    long t = 0;
    for (int pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return t;
  }

  /** VmRSS of the processes, kB. */
  private static long rss(List<Integer> pids) {
    long kb = 0;
    for (int pid : pids) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return kb;
  }

  static String sdp(int port) {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio "
        + port
        + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
  }

  /** Where an SDP body says its audio is received: c= and the first m=audio port. */
  static InetSocketAddress mediaAddress(String sdp) {
    String host = "127.0.0.1";
    int port = -1;
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("c=IN IP4 ")) {
        host = line.substring(9).trim();
      } else if (line.startsWith("m=audio ") && port < 0) {
        port = Integer.parseInt(line.split(" ")[1]);
      }
    }
    if (port <= 0) {
      throw new IllegalStateException("no audio port in SDP: " + sdp);
    }
    return new InetSocketAddress(host, port);
  }

  /** Sets calls up and tears them down. */
  private interface Signalling extends AutoCloseable {
    void setUp(int i, Call call) throws IOException;

    boolean tearDown(int i, Call call) throws IOException;

    @Override
    void close();
  }

  // ---------------------------------------------------------------- rtpengine NG

  /** rtpengine's NG protocol: bencoded dictionaries over UDP, one command per datagram. */
  private static final class Ng implements Signalling {
    private final DatagramSocket socket;
    private final String run;
    private int cookie;

    Ng(InetSocketAddress server, String run) throws IOException {
      this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      socket.connect(server);
      socket.setSoTimeout(1000);
      this.run = run;
    }

    @Override
    public void setUp(int i, Call call) throws IOException {
      Map<String, Object> offer = new LinkedHashMap<>();
      offer.put("command", "offer");
      offer.put("call-id", "bench-" + run + "-" + i);
      offer.put("from-tag", "a" + i);
      offer.put("sdp", sdp(port(call.a)));
      offer.put("flags", List.of("trust-address"));
      Map<?, ?> r = command(offer);
      call.bSendsTo = mediaAddress(sdpOf(r));
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("command", "answer");
      answer.put("call-id", "bench-" + run + "-" + i);
      answer.put("from-tag", "a" + i);
      answer.put("to-tag", "b" + i);
      answer.put("sdp", sdp(port(call.b)));
      answer.put("flags", List.of("trust-address"));
      r = command(answer);
      call.aSendsTo = mediaAddress(sdpOf(r));
    }

    @Override
    public boolean tearDown(int i, Call call) throws IOException {
      Map<String, Object> delete = new LinkedHashMap<>();
      delete.put("command", "delete");
      delete.put("call-id", "bench-" + run + "-" + i);
      delete.put("from-tag", "a" + i);
      try {
        command(delete);
        return true;
      } catch (IllegalStateException e) {
        return false;
      }
    }

    private static String sdpOf(Map<?, ?> r) {
      if (!(r.get("sdp") instanceof byte[])) {
        throw new IllegalStateException("NG answer without SDP: " + describe(r));
      }
      return string(r.get("sdp"));
    }

    private static String string(@Nullable Object o) {
      if (o instanceof byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
      }
      throw new IllegalStateException("expected a string, got " + o);
    }

    private Map<?, ?> command(Map<String, Object> dict) throws IOException {
      String c = run + "." + (++cookie) + " ";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(c.getBytes(StandardCharsets.US_ASCII));
      encode(dict, out);
      byte[] req = out.toByteArray();
      byte[] in = new byte[65536];
      for (int attempt = 0; attempt < 4; attempt++) {
        socket.send(new DatagramPacket(req, req.length));
        try {
          while (true) {
            DatagramPacket p = new DatagramPacket(in, in.length);
            socket.receive(p);
            String head =
                new String(in, 0, Math.min(p.getLength(), c.length()), StandardCharsets.US_ASCII);
            if (!head.equals(c)) {
              continue; // a late answer to an earlier attempt
            }
            int[] pos = {c.length()};
            Object o = decode(in, pos);
            if (!(o instanceof Map<?, ?> m)) {
              throw new IllegalStateException("NG answer is not a dictionary");
            }
            String result = string(m.get("result"));
            if (!result.equals("ok")) {
              throw new IllegalStateException("NG " + dict.get("command") + ": " + describe(m));
            }
            return m;
          }
        } catch (SocketTimeoutException e) {
          // retransmit
        }
      }
      throw new IllegalStateException("NG: no answer to " + dict.get("command"));
    }

    private static String describe(Map<?, ?> m) {
      StringBuilder s = new StringBuilder();
      m.forEach(
          (k, v) ->
              s.append(k)
                  .append('=')
                  .append(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v)
                  .append(' '));
      return s.toString();
    }

    private static void encode(Object o, ByteArrayOutputStream out) {
      if (o instanceof String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
      } else if (o instanceof List<?> l) {
        out.write('l');
        for (Object e : l) {
          encode(e, out);
        }
        out.write('e');
      } else if (o instanceof Map<?, ?> m) {
        out.write('d');
        m.forEach(
            (k, v) -> {
              encode(k, out);
              encode(v, out);
            });
        out.write('e');
      } else if (o instanceof Integer i) {
        out.writeBytes(("i" + i + "e").getBytes(StandardCharsets.US_ASCII));
      } else {
        throw new IllegalArgumentException("cannot bencode " + o);
      }
    }

    private static Object decode(byte[] b, int[] pos) {
      byte t = b[pos[0]];
      if (t == 'd') {
        pos[0]++;
        Map<String, Object> m = new HashMap<>();
        while (b[pos[0]] != 'e') {
          String k = new String((byte[]) decode(b, pos), StandardCharsets.UTF_8);
          m.put(k, decode(b, pos));
        }
        pos[0]++;
        return m;
      } else if (t == 'l') {
        pos[0]++;
        List<Object> l = new ArrayList<>();
        while (b[pos[0]] != 'e') {
          l.add(decode(b, pos));
        }
        pos[0]++;
        return l;
      } else if (t == 'i') {
        int e = pos[0] + 1;
        while (b[e] != 'e') {
          e++;
        }
        long v =
            Long.parseLong(new String(b, pos[0] + 1, e - pos[0] - 1, StandardCharsets.US_ASCII));
        pos[0] = e + 1;
        return v;
      } else {
        int colon = pos[0];
        while (b[colon] != ':') {
          colon++;
        }
        int len =
            Integer.parseInt(new String(b, pos[0], colon - pos[0], StandardCharsets.US_ASCII));
        byte[] s = new byte[len];
        System.arraycopy(b, colon + 1, s, 0, len);
        pos[0] = colon + 1 + len;
        return s;
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  // ---------------------------------------------------------------- SIP (evertone's proxy)

  /** A parsed SIP message: start line, headers in order (name lower-cased), body. */
  private record Msg(String start, List<String[]> headers, String body) {
    static Msg parse(byte[] b, int len) {
      String s = new String(b, 0, len, StandardCharsets.UTF_8);
      int split = s.indexOf("\r\n\r\n");
      String head = split < 0 ? s : s.substring(0, split);
      String body = split < 0 ? "" : s.substring(split + 4);
      String[] lines = head.split("\r\n");
      List<String[]> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.add(
              new String[] {
                longName(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT)),
                lines[i].substring(c + 1).trim()
              });
        }
      }
      return new Msg(lines[0], headers, body);
    }

    private static String longName(String n) {
      return switch (n) {
        case "v" -> "via";
        case "f" -> "from";
        case "t" -> "to";
        case "i" -> "call-id";
        case "m" -> "contact";
        case "l" -> "content-length";
        case "c" -> "content-type";
        default -> n;
      };
    }

    String get(String name) {
      for (String[] h : headers) {
        if (h[0].equals(name)) {
          return h[1];
        }
      }
      return "";
    }

    List<String> all(String name) {
      List<String> l = new ArrayList<>();
      for (String[] h : headers) {
        if (h[0].equals(name)) {
          l.add(h[1]);
        }
      }
      return l;
    }

    int status() {
      return start.startsWith("SIP/2.0 ") ? Integer.parseInt(start.substring(8, 11)) : 0;
    }

    String method() {
      return start.substring(0, start.indexOf(' '));
    }
  }

  /**
   * The caller's and the callee's SIP: "callee" registered at the proxy from the UAS socket, which
   * answers every INVITE with 200 OK naming the call's endpoint b; calls placed one after another
   * from the UAC socket.
   */
  private static final class Sip implements Signalling {
    private final InetSocketAddress proxy;
    private final String run;
    private final int users;
    private final DatagramSocket uac;
    private final DatagramSocket uas;
    private final Thread uasThread;
    private final Map<String, Call> byCallId = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private int branch;

    Sip(InetSocketAddress proxy, String run, int users) throws IOException {
      this.proxy = proxy;
      this.run = run;
      this.users = users;
      this.uac = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      // one contact for every run, so that each run's REGISTER replaces the last one's binding
      this.uas = new DatagramSocket(new InetSocketAddress("127.0.0.1", UAS_PORT));
      uac.setReceiveBufferSize(4 << 20);
      uas.setReceiveBufferSize(4 << 20);
      uac.setSoTimeout(1000);
      uas.setSoTimeout(1000);
      register();
      uas.setSoTimeout(200);
      uasThread = new Thread(this::serve, "sip-uas");
      uasThread.setDaemon(true);
      uasThread.start();
    }

    private String via(DatagramSocket s) {
      return "SIP/2.0/UDP 127.0.0.1:"
          + s.getLocalPort()
          + ";rport;branch=z9hG4bK"
          + run
          + "."
          + (++branch);
    }

    private void register() throws IOException {
      String callId = "reg-" + run;
      String auth = "";
      for (int cseq = 1; cseq <= 3; cseq++) {
        String req =
            "REGISTER sip:"
                + DOMAIN
                + " SIP/2.0\r\nVia: "
                + via(uas)
                + "\r\nFrom: <sip:callee@"
                + DOMAIN
                + ">;tag=r"
                + run
                + "\r\nTo: <sip:callee@"
                + DOMAIN
                + ">\r\nCall-ID: "
                + callId
                + "\r\nCSeq: "
                + cseq
                + " REGISTER\r\nContact: <sip:callee@127.0.0.1:"
                + uas.getLocalPort()
                + ">\r\nMax-Forwards: 70\r\nExpires: 3600\r\n"
                + auth
                + "Content-Length: 0\r\n\r\n";
        Msg r = transact(uas, req, callId, "REGISTER");
        if (r.status() == 200) {
          return;
        }
        if (r.status() != 401) {
          throw new IllegalStateException("REGISTER: " + r.start());
        }
        auth =
            "Authorization: "
                + digest(
                    r.get("www-authenticate"), "callee", "pwcallee", "REGISTER", "sip:" + DOMAIN)
                + "\r\n";
      }
      throw new IllegalStateException("REGISTER not accepted");
    }

    /** Sends a request and returns its final response (retransmitting while none comes). */
    private Msg transact(DatagramSocket s, String req, String callId, String method)
        throws IOException {
      byte[] out = req.getBytes(StandardCharsets.UTF_8);
      byte[] in = new byte[65536];
      String cseq = req.substring(req.indexOf("\r\nCSeq: ") + 8);
      cseq = cseq.substring(0, cseq.indexOf("\r\n"));
      for (int attempt = 0; attempt < 5; attempt++) {
        s.send(new DatagramPacket(out, out.length, proxy));
        long until = System.currentTimeMillis() + 1000;
        try {
          while (System.currentTimeMillis() < until) {
            DatagramPacket p = new DatagramPacket(in, in.length);
            s.receive(p);
            Msg m = Msg.parse(in, p.getLength());
            if (m.status() >= 200
                && m.get("call-id").equals(callId)
                && m.get("cseq").equals(cseq)) {
              return m;
            }
            if (m.status() >= 100 && m.status() < 200 && m.get("call-id").equals(callId)) {
              until = System.currentTimeMillis() + 5000; // provisional: wait longer
            }
          }
        } catch (SocketTimeoutException e) {
          // retransmit
        }
      }
      throw new IllegalStateException(method + " " + callId + ": no final response");
    }

    @Override
    public void setUp(int i, Call call) throws IOException {
      call.callId = "call-" + run + "-" + i;
      call.user = "u" + (100000 + i % users);
      byCallId.put(call.callId, call);
      String uri = "sip:callee@" + DOMAIN;
      String body = sdp(port(call.a));
      String auth = "";
      for (int cseq = 1; cseq <= 3; cseq++) {
        String v = via(uac);
        String from = "<sip:" + call.user + "@" + DOMAIN + ">;tag=a" + i;
        String req =
            "INVITE "
                + uri
                + " SIP/2.0\r\nVia: "
                + v
                + "\r\nFrom: "
                + from
                + "\r\nTo: <"
                + uri
                + ">\r\nCall-ID: "
                + call.callId
                + "\r\nCSeq: "
                + cseq
                + " INVITE\r\nContact: <sip:"
                + call.user
                + "@127.0.0.1:"
                + uac.getLocalPort()
                + ">\r\nMax-Forwards: 70\r\n"
                + auth
                + "Content-Type: application/sdp\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n"
                + body;
        Msg r = transact(uac, req, call.callId, "INVITE");
        if (r.status() == 407) {
          // ACK of the non-2xx final response: same branch, same Request-URI
          send(
              uac,
              "ACK "
                  + uri
                  + " SIP/2.0\r\nVia: "
                  + v
                  + "\r\nFrom: "
                  + from
                  + "\r\nTo: "
                  + r.get("to")
                  + "\r\nCall-ID: "
                  + call.callId
                  + "\r\nCSeq: "
                  + cseq
                  + " ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
          auth =
              "Proxy-Authorization: "
                  + digest(r.get("proxy-authenticate"), call.user, "pw" + call.user, "INVITE", uri)
                  + "\r\n";
          continue;
        }
        if (r.status() != 200) {
          throw new IllegalStateException("INVITE " + call.callId + ": " + r.start());
        }
        String to = r.get("to");
        call.toTag = to.substring(to.indexOf("tag=") + 4).split("[;>]")[0];
        String contact = r.get("contact");
        call.target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        List<String> rr = new ArrayList<>();
        for (String h : r.all("record-route")) {
          for (String part : h.split(",(?=\\s*<)")) {
            rr.add(0, part.trim()); // the caller uses them in reverse order
          }
        }
        call.routes = rr;
        call.aSendsTo = mediaAddress(r.body());
        send(uac, inDialog("ACK", call, cseq, ""));
        if (call.bSendsTo == null) {
          throw new IllegalStateException(
              "the callee's side never saw the INVITE of " + call.callId);
        }
        return;
      }
      throw new IllegalStateException("INVITE " + call.callId + " not accepted");
    }

    private String inDialog(String method, Call call, int cseq, String auth) {
      StringBuilder s = new StringBuilder();
      s.append(method)
          .append(' ')
          .append(call.target)
          .append(" SIP/2.0\r\nVia: ")
          .append(via(uac))
          .append("\r\n");
      for (String r : call.routes) {
        s.append("Route: ").append(r).append("\r\n");
      }
      int i = Integer.parseInt(call.callId.substring(call.callId.lastIndexOf('-') + 1));
      s.append("From: <sip:")
          .append(call.user)
          .append('@')
          .append(DOMAIN)
          .append(">;tag=a")
          .append(i)
          .append("\r\nTo: <sip:callee@")
          .append(DOMAIN)
          .append(">;tag=")
          .append(call.toTag)
          .append("\r\nCall-ID: ")
          .append(call.callId)
          .append("\r\nCSeq: ")
          .append(cseq)
          .append(' ')
          .append(method)
          .append("\r\nMax-Forwards: 70\r\n")
          .append(auth)
          .append("Content-Length: 0\r\n\r\n");
      return s.toString();
    }

    @Override
    public boolean tearDown(int i, Call call) throws IOException {
      String auth = "";
      for (int cseq = 10; cseq <= 12; cseq++) {
        Msg r;
        try {
          r = transact(uac, inDialog("BYE", call, cseq, auth), call.callId, "BYE");
        } catch (IllegalStateException e) {
          return false;
        }
        if (r.status() == 200) {
          return true;
        }
        if (r.status() != 407) {
          return false;
        }
        auth =
            "Proxy-Authorization: "
                + digest(
                    r.get("proxy-authenticate"), call.user, "pw" + call.user, "BYE", call.target)
                + "\r\n";
      }
      return false;
    }

    private void send(DatagramSocket s, String msg) throws IOException {
      byte[] out = msg.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(out, out.length, proxy));
    }

    /** The callee: 200 OK to INVITEs (SDP of the call's endpoint b) and to BYEs. */
    private void serve() {
      byte[] in = new byte[65536];
      while (!closed) {
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
          uas.receive(p);
        } catch (SocketTimeoutException e) {
          continue;
        } catch (IOException e) {
          return;
        }
        try {
          Msg m = Msg.parse(in, p.getLength());
          if (m.status() != 0) {
            continue;
          }
          String method = m.method();
          if (method.equals("ACK")) {
            continue;
          }
          StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
          for (String v : m.all("via")) {
            r.append("Via: ").append(v).append("\r\n");
          }
          String body = "";
          if (method.equals("INVITE")) {
            for (String rr : m.all("record-route")) {
              r.append("Record-Route: ").append(rr).append("\r\n");
            }
            Call call = byCallId.get(m.get("call-id"));
            if (call == null) {
              continue;
            }
            call.bSendsTo = mediaAddress(m.body());
            body = sdp(port(call.b));
          }
          String to = m.get("to");
          if (method.equals("INVITE") && !to.contains("tag=")) {
            to = to + ";tag=b" + Integer.toHexString(m.get("call-id").hashCode());
          }
          r.append("From: ")
              .append(m.get("from"))
              .append("\r\nTo: ")
              .append(to)
              .append("\r\nCall-ID: ")
              .append(m.get("call-id"))
              .append("\r\nCSeq: ")
              .append(m.get("cseq"))
              .append("\r\nContact: <sip:callee@127.0.0.1:")
              .append(uas.getLocalPort())
              .append(">\r\n");
          if (!body.isEmpty()) {
            r.append("Content-Type: application/sdp\r\n");
          }
          r.append("Content-Length: ")
              .append(body.getBytes(StandardCharsets.UTF_8).length)
              .append("\r\n\r\n")
              .append(body);
          byte[] out = r.toString().getBytes(StandardCharsets.UTF_8);
          uas.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        } catch (RuntimeException | IOException e) {
          System.err.println("uas: " + e);
        }
      }
    }

    /** The Authorization value answering a digest challenge (MD5 or SHA-256, qop=auth). */
    static String digest(
        String challenge, String user, String password, String method, String uri) {
      Map<String, String> p = new HashMap<>();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("([a-zA-Z-]+)=(\"([^\"]*)\"|[^,\\s]+)")
              .matcher(challenge);
      while (m.find()) {
        p.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
      }
      String algorithm = p.getOrDefault("algorithm", "MD5");
      String md = algorithm.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5";
      String realm = p.getOrDefault("realm", DOMAIN);
      String nonce = p.getOrDefault("nonce", "");
      String ha1 = hash(md, user + ":" + realm + ":" + password);
      String ha2 = hash(md, method + ":" + uri);
      String qop = p.get("qop");
      StringBuilder s =
          new StringBuilder("Digest username=\"")
              .append(user)
              .append("\", realm=\"")
              .append(realm)
              .append("\", nonce=\"")
              .append(nonce)
              .append("\", uri=\"")
              .append(uri)
              .append("\", algorithm=")
              .append(algorithm);
      if (qop != null && qop.contains("auth")) {
        String cnonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
        String nc = "00000001";
        s.append(", qop=auth, nc=")
            .append(nc)
            .append(", cnonce=\"")
            .append(cnonce)
            .append("\", response=\"")
            .append(hash(md, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2))
            .append('"');
      } else {
        s.append(", response=\"").append(hash(md, ha1 + ":" + nonce + ":" + ha2)).append('"');
      }
      String opaque = p.get("opaque");
      if (opaque != null) {
        s.append(", opaque=\"").append(opaque).append('"');
      }
      return s.toString();
    }

    private static String hash(String algorithm, String s) {
      try {
        byte[] d = MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8));
        StringBuilder h = new StringBuilder();
        for (byte b : d) {
          h.append(String.format(Locale.ROOT, "%02x", b));
        }
        return h.toString();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      closed = true;
      try {
        uasThread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      uac.close();
      uas.close();
    }
  }
}
