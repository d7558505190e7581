package dev.evertone.tests.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Sends SIP text over UDP and reads what comes back. */
public final class UdpClient implements SipTestClient, AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;

  public UdpClient(InetSocketAddress server) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @Override
  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public String transport() {
    return "UDP";
  }

  /**
   * The message with its first Via replaced by one naming this client (so the answer comes here).
   */
  public String viaHere(String message, boolean withBranch) {
    // the whole header, continuation lines of a folded Via included
    return message.replaceFirst(
        "(?m)^(Via|v) *:[^\\r]*(\\r\\n[ \\t][^\\r]*)*",
        "Via: SIP/2.0/UDP 127.0.0.1:"
            + port()
            + (withBranch ? ";branch=z9hG4bK" + System.nanoTime() : "")
            + ";rport");
  }

  public void send(String text) throws IOException {
    sendTo(text, server);
  }

  /** Sends to another address (a response goes where the request's Via says, RFC 3261 18.2.2). */
  public void sendTo(String text, InetSocketAddress to) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    socket.send(new DatagramPacket(b, b.length, to));
  }

  /** The next datagram received that is not a 100 Trying; fails the test after {@code millis}. */
  public String receive(int millis) throws IOException {
    String s = poll(millis);
    if (s == null) {
      throw new AssertionError("nothing arrived within " + millis + " ms");
    }
    return s;
  }

  /** The next datagram received that is not a 100 Trying, or null after {@code millis}. */
  public @Nullable String poll(int millis) throws IOException {
    socket.setSoTimeout(millis);
    while (true) {
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      String s = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
      if (!s.startsWith("SIP/2.0 100 ")) {
        return s;
      }
    }
  }

  /**
   * Sends a request and returns its response (not a 100); fails the test when none arrives within 5
   * s. A late answer to an earlier request that timed out is skipped: it names another Call-ID or
   * CSeq number.
   */
  @Override
  public String exchange(String text) throws IOException {
    send(text);
    String callId = header(text, "Call-ID|i", "(\\S+)");
    String cseq = header(text, "CSeq", "0*(\\d+)");
    long deadline = System.currentTimeMillis() + 5000;
    for (long left = 5000; left > 0; left = deadline - System.currentTimeMillis()) {
      String answer = poll((int) left);
      if (answer == null) {
        break;
      }
      if (java.util.Objects.equals(callId, header(answer, "Call-ID|i", "(\\S+)"))
          && java.util.Objects.equals(cseq, header(answer, "CSeq", "0*(\\d+)"))) {
        return answer;
      }
    }
    throw new AssertionError("no answer within 5 s to " + text.substring(0, text.indexOf('\r')));
  }

  /**
   * A header of the first message in {@code message} (names case-insensitive, compact forms
   * allowed), or null.
   */
  private static @Nullable String header(String message, String names, String value) {
    int end = message.indexOf("\r\n\r\n");
    Matcher m =
        Pattern.compile("(?mi)^(?:" + names + ")[ \\t]*:[ \\t]*" + value)
            .matcher(end < 0 ? message : message.substring(0, end));
    return m.find() ? m.group(1) : null;
  }

  @Override
  public void close() {
    socket.close();
  }
}
