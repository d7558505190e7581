package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A SIP device on loopback UDP for the proxy's tests - a phone of the domain or a carrier - that
 * writes its messages out as wire text: it registers, dials (INVITE, 407, ACK, INVITE with
 * credentials), cancels, answers what it receives and waits for what should come. The digest it
 * computes is its own code, not evertone's.
 */
final class Phone implements AutoCloseable {
  private static final AtomicLong IDS = new AtomicLong();
  private static final int WAIT_MILLIS = 3000;

  final String user;
  private final String domain;
  private final InetSocketAddress proxy;
  private final DatagramSocket socket;

  /** A device of line {@code user} of {@code domain} (a carrier: any name). */
  Phone(InetSocketAddress proxy, String user, String domain) throws IOException {
    this.proxy = proxy;
    this.user = user;
    this.domain = domain;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The URI this device registers and answers with. */
  String contact() {
    return "sip:" + user + "@127.0.0.1:" + port();
  }

  void send(String message) throws IOException {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(b, b.length, proxy));
  }

  /** The next message other than a 100 Trying, or null after {@code millis}. */
  @Nullable String receive(int millis) throws IOException {
    socket.setSoTimeout(millis);
    while (true) {
      byte[] buf = new byte[65_536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      String m = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.UTF_8);
      if (!m.startsWith("SIP/2.0 100 ")) {
        return m;
      }
    }
  }

  /** The next request of {@code method}; other messages (retransmissions) are skipped. */
  String next(String method) throws IOException {
    return next(method, WAIT_MILLIS);
  }

  /** The next request of {@code method} within {@code millis}. */
  String next(String method, int millis) throws IOException {
    return nextStarting(method + " ", millis);
  }

  /** The next response with {@code status}; other messages are skipped. */
  String nextResponse(int status) throws IOException {
    return nextStarting("SIP/2.0 " + status + " ", WAIT_MILLIS);
  }

  private String nextStarting(String start, int millis) throws IOException {
    long deadline = System.currentTimeMillis() + millis;
    List<String> skipped = new ArrayList<>();
    for (long left = millis; left > 0; left = deadline - System.currentTimeMillis()) {
      String m = receive((int) left);
      if (m == null) {
        break;
      }
      if (m.startsWith(start)) {
        return m;
      }
      skipped.add(m.substring(0, m.indexOf('\r')));
    }
    throw new AssertionError(user + " got no " + start.strip() + "; it got " + skipped);
  }

  /** Whether nothing but 100 Trying arrives within {@code millis}. */
  boolean hearsNothing(int millis) throws IOException {
    return receive(millis) == null;
  }

  /** Registers this device's contact with {@code params} (such as {@code ;q=0.5}); returns 200. */
  int register(String password, String params) throws IOException {
    String callId = "reg-" + IDS.incrementAndGet();
    String challenge = exchange(registerRequest(callId, 1, params, ""));
    assertThat(challenge).startsWith("SIP/2.0 401 ");
    String auth =
        digest(challenge, "WWW-Authenticate", "REGISTER", "sip:" + domain, user, password);
    String ok = exchange(registerRequest(callId, 2, params, "Authorization: " + auth + "\r\n"));
    return Integer.parseInt(ok.substring(8, 11));
  }

  private String registerRequest(String callId, int cseq, String params, String extra) {
    return "REGISTER sip:"
        + domain
        + " SIP/2.0\r\n"
        + via("z9hG4bKreg" + IDS.incrementAndGet())
        + "Max-Forwards: 70\r\n"
        + ("From: <sip:" + user + "@" + domain + ">;tag=r" + cseq + "\r\n")
        + ("To: <sip:" + user + "@" + domain + ">\r\n")
        + ("Call-ID: " + callId + "\r\n")
        + ("CSeq: " + cseq + " REGISTER\r\n")
        + ("Contact: <" + contact() + ">" + params + "\r\n")
        + extra
        + "Expires: 600\r\nContent-Length: 0\r\n\r\n";
  }

  /** Sends a request and returns the first answer other than a 100 Trying. */
  String exchange(String request) throws IOException {
    send(request);
    String answer = receive(WAIT_MILLIS);
    if (answer == null) {
      throw new AssertionError("no answer to " + request.substring(0, request.indexOf('\r')));
    }
    return answer;
  }

  private String via(String branch) {
    return "Via: SIP/2.0/UDP 127.0.0.1:" + port() + ";branch=" + branch + ";rport\r\n";
  }

  /** A call this device makes: the identifiers its requests share. */
  final class Call {
    final String target;
    final String callId = "call-" + IDS.incrementAndGet() + "@test";
    final String fromTag = "caller" + IDS.incrementAndGet();
    int cseq = 1;
    String branch = newBranch();

    Call(String target) {
      this.target = target;
    }

    /** The INVITE, with {@code extra} header lines (each ending in CRLF). */
    String invite(String extra) {
      return head("INVITE", "<" + target + ">")
          + ("Contact: <" + contact() + ">\r\n")
          + extra
          + "Content-Length: 0\r\n\r\n";
    }

    /** The INVITE with a body ({@code type}, e.g. an SDP offer) and {@code extra} header lines. */
    String invite(String extra, String type, String body) {
      return head("INVITE", "<" + target + ">")
          + ("Contact: <" + contact() + ">\r\n")
          + extra
          + ("Content-Type: " + type + "\r\n")
          + ("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n")
          + body;
    }

    /** The ACK of a non-2xx final response (RFC 3261 17.1.1.3: same branch, To of the response). */
    String ack(String response) {
      return head("ACK", header(response, "To")) + "Content-Length: 0\r\n\r\n";
    }

    /** The CANCEL of the INVITE (RFC 3261 9.1: same branch, same CSeq number). */
    String cancel() {
      return head("CANCEL", "<" + target + ">") + "Content-Length: 0\r\n\r\n";
    }

    /** The request line and the headers every request of the call's transaction has. */
    private String head(String method, String to) {
      return method
          + " "
          + target
          + " SIP/2.0\r\n"
          + via(branch)
          + "Max-Forwards: 70\r\n"
          + ("From: <sip:" + user + "@" + domain + ">;tag=" + fromTag + "\r\n")
          + ("To: " + to + "\r\n")
          + ("Call-ID: " + callId + "\r\n")
          + ("CSeq: " + cseq + " " + method + "\r\n");
    }
  }

  /** A new call to {@code target}; nothing is sent yet. */
  Call call(String target) {
    return new Call(target);
  }

  /**
   * Dials {@code target}: the INVITE is challenged (407), acknowledged, and sent again with
   * credentials for {@code password}. Returns once the second INVITE is sent.
   */
  Call dial(String target, String password) throws IOException {
    return dialAs(target, user, password);
  }

  /** As {@link #dial}, the INVITE carrying {@code body} of {@code type} (an SDP offer). */
  Call dialWithBody(String target, String password, String type, String body) throws IOException {
    Call c = new Call(target);
    String challenge = exchange(c.invite("", type, body));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    send(c.ack(challenge));
    c.cseq++;
    c.branch = newBranch();
    String auth = digest(challenge, "Proxy-Authenticate", "INVITE", target, user, password);
    send(c.invite("Proxy-Authorization: " + auth + "\r\n", type, body));
    return c;
  }

  /** Dials {@code target} with the credentials of {@code account}, whatever its From says. */
  Call dialAs(String target, String account, String password) throws IOException {
    Call c = new Call(target);
    String challenge = exchange(c.invite(""));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    send(c.ack(challenge));
    c.cseq++;
    c.branch = newBranch();
    String auth = digest(challenge, "Proxy-Authenticate", "INVITE", target, account, password);
    send(c.invite("Proxy-Authorization: " + auth + "\r\n"));
    return c;
  }

  /**
   * This device's response to a request it received: its Via, From, To (tagged), Call-ID and CSeq
   * (RFC 3261 8.2.6.2), its Record-Route echoed and a Contact (12.1.1).
   */
  String answer(String request, String status) {
    StringBuilder out = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
    for (String name : List.of("Via", "Record-Route", "From", "To", "Call-ID", "CSeq")) {
      for (String value : headers(request, name)) {
        out.append(name).append(": ").append(value);
        if (name.equals("To") && !value.contains(";tag=")) {
          out.append(";tag=").append(user);
        }
        out.append("\r\n");
      }
    }
    return out.append("Contact: <")
        .append(contact())
        .append(">\r\nContent-Length: 0\r\n\r\n")
        .toString();
  }

  /**
   * A request inside the dialog of {@code response}, from the side that received {@code response}'s
   * request (the callee): to the caller's Contact, along the Record-Route (12.2.1.1).
   */
  String inDialog(String method, String request, String response, int cseq) {
    StringBuilder r =
        new StringBuilder(method)
            .append(' ')
            .append(uriOf(header(request, "Contact")))
            .append(" SIP/2.0\r\n")
            .append(via(newBranch()));
    for (String route : headers(request, "Record-Route")) {
      r.append("Route: ").append(route).append("\r\n");
    }
    return r.append("Max-Forwards: 70\r\n")
        .append("From: ")
        .append(header(response, "To"))
        .append("\r\nTo: ")
        .append(header(request, "From"))
        .append("\r\nCall-ID: ")
        .append(header(request, "Call-ID"))
        .append("\r\nCSeq: ")
        .append(cseq)
        .append(' ')
        .append(method)
        .append("\r\nContent-Length: 0\r\n\r\n")
        .toString();
  }

  private static String newBranch() {
    return "z9hG4bK" + IDS.incrementAndGet() + "x" + System.nanoTime();
  }

  /** The first value of header {@code name} of a message. */
  static String header(String message, String name) {
    List<String> all = headers(message, name);
    assertThat(all).as("a %s header in %s", name, message).isNotEmpty();
    return all.get(0);
  }

  /** Every value of header {@code name} of a message's head, in order, list elements split. */
  static List<String> headers(String message, String name) {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?md)^" + Pattern.quote(name) + ": ([^\r]*)\r$")
            .matcher(message.substring(0, message.indexOf("\r\n\r\n") + 2));
    while (m.find()) {
      out.addAll(Arrays.asList(m.group(1).split(",\\s*(?=<)")));
    }
    return out;
  }

  private static String uriOf(String nameAddr) {
    return nameAddr.substring(nameAddr.indexOf('<') + 1, nameAddr.indexOf('>'));
  }

  /** Digest credentials (MD5, qop=auth) answering the MD5 challenge in header {@code name}. */
  private static String digest(
      String challenge, String name, String method, String uri, String user, String password) {
    String md5 =
        headers(challenge, name).stream()
            .filter(h -> h.contains("algorithm=MD5"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no MD5 challenge in " + challenge));
    String realm = param(md5, "realm");
    String nonce = param(md5, "nonce");
    String ha1 = md5(user + ":" + realm + ":" + password);
    String ha2 = md5(method + ":" + uri);
    String response = md5(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + ha2);
    return "Digest username=\""
        + user
        + "\", realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + uri
        + "\", response=\""
        + response
        + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
  }

  private static String param(String header, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(header);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + header);
    }
    return m.group(1);
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
