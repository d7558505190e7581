package dev.evertone.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The STUN server over real sockets: Binding over UDP and TCP, error responses, and garbage that is
 * dropped.
 */
class StunServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static @Nullable StunServer server;

  @BeforeContainer
  static void startForProperties() throws Exception {
    start();
  }

  @AfterContainer
  static void stopForProperties() {
    stop();
  }

  private static synchronized void start() throws Exception {
    if (server == null) {
      server = StunServer.start("127.0.0.1", 0, 2, new BindingService(new SimpleMeterRegistry()));
    }
  }

  private static synchronized StunServer server() {
    return Objects.requireNonNull(server, "start() comes first");
  }

  private static synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  static byte[] bindingRequest(boolean fingerprint, int... extraAttributes) {
    byte[] tid = new byte[12];
    RANDOM.nextBytes(tid);
    StunEncoder e = new StunEncoder(StunAttributes.BINDING, StunMessage.Kind.REQUEST, tid);
    for (int type : extraAttributes) {
      e.add(type, new byte[] {1, 2, 3, 4});
    }
    return e.encode(null, fingerprint);
  }

  private static StunMessage exchange(DatagramSocket socket, byte[] request) throws Exception {
    socket.send(new DatagramPacket(request, request.length, server().udpAddress()));
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.receive(p);
    return StunMessage.parse(buf, p.getLength());
  }

  /**
   * An RFC 3489 Binding request: no magic cookie, a 128-bit transaction ID, and a CHANGE-REQUEST
   * with {@code flags}.
   */
  private static byte[] classicRequest(byte[] tid, int flags) {
    return java.nio.ByteBuffer.allocate(28)
        .putShort((short) 1)
        .putShort((short) 8)
        .put(tid)
        .putShort((short) 3)
        .putShort((short) 4)
        .putInt(flags)
        .array();
  }

  @Test
  void anRfc3489ClientGetsAPlainMappedAddressAndA420WhenItAsksForAnotherAddress() throws Exception {
    start();
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(2000);
      byte[] tid = new byte[16];
      RANDOM.nextBytes(tid);
      byte[] buf = new byte[2048];
      for (int flags : new int[] {0, 2, 4}) {
        byte[] request = classicRequest(tid, flags);
        socket.send(new DatagramPacket(request, request.length, server().udpAddress()));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        java.nio.ByteBuffer answer = java.nio.ByteBuffer.wrap(buf, 0, p.getLength());
        assertThat(Arrays.copyOfRange(buf, 4, 20)).as("the whole 128-bit ID echoed").isEqualTo(tid);
        if (flags == 0) {
          assertThat(answer.getShort(0)).as("Binding success").isEqualTo((short) 0x0101);
          assertThat(answer.getShort(20)).as("MAPPED-ADDRESS, not XORed").isEqualTo((short) 1);
          assertThat(answer.getShort(26) & 0xffff).isEqualTo(socket.getLocalPort());
          assertThat(Arrays.copyOfRange(buf, 28, 32)).isEqualTo(new byte[] {127, 0, 0, 1});
        } else {
          assertThat(answer.getShort(0)).as("Binding error").isEqualTo((short) 0x0111);
          assertThat(buf[26] * 100 + buf[27])
              .as("a server with one address cannot change it")
              .isEqualTo(420);
        }
      }
    }
  }

  @Test
  void aBindingRequestOverUdpLearnsItsOwnAddress() throws Exception {
    start();
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(2000);
      byte[] request = bindingRequest(true);
      StunMessage response = exchange(socket, request);
      assertThat(response.kind()).isEqualTo(StunMessage.Kind.SUCCESS);
      assertThat(response.transactionId()).isEqualTo(Arrays.copyOfRange(request, 8, 20));
      assertThat(response.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS))
          .isEqualTo(socket.getLocalSocketAddress());
      assertThat(StunIntegrity.fingerprintOk(response))
          .as("the request had a FINGERPRINT, so has the response")
          .isTrue();
      assertThat(exchange(socket, bindingRequest(false)).attribute(StunAttributes.FINGERPRINT))
          .isNull();
    }
  }

  @Test
  void aBindingRequestOverTcpIsAnsweredOnTheConnection() throws Exception {
    start();
    try (Socket socket =
        new Socket(server().tcpAddress().getAddress(), server().tcpAddress().getPort())) {
      socket.setSoTimeout(2000);
      for (int i = 0; i < 3; i++) {
        socket.getOutputStream().write(bindingRequest(true));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = in.readNBytes(20);
        int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        byte[] whole = Arrays.copyOf(header, 20 + length);
        in.readFully(whole, 20, length);
        StunMessage response = StunMessage.parse(whole, whole.length);
        assertThat(response.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS))
            .isEqualTo(socket.getLocalSocketAddress());
      }
    }
  }

  @Test
  void aTcpStreamWithoutTheMagicCookieIsClosed() throws Exception {
    start();
    try (Socket socket =
        new Socket(server().tcpAddress().getAddress(), server().tcpAddress().getPort())) {
      socket.setSoTimeout(2000);
      // a TLS ClientHello's first bytes start like a STUN header (two zero bits) but carry no magic
      // cookie
      socket
          .getOutputStream()
          .write(
              new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
      assertThat(socket.getInputStream().read())
          .as("closed without waiting for 0x0102 more bytes")
          .isEqualTo(-1);
    }
  }

  @Test
  void unknownComprehensionRequiredAttributesAndMethodsGetErrors() throws Exception {
    start();
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(2000);
      StunMessage unknown = exchange(socket, bindingRequest(true, 0x7777, 0x8777));
      assertThat(unknown.kind()).isEqualTo(StunMessage.Kind.ERROR);
      assertThat(Expected.attribute(unknown, StunAttributes.ERROR_CODE).value())
          .startsWith(0, 0, 4, 20);
      assertThat(Expected.attribute(unknown, StunAttributes.UNKNOWN_ATTRIBUTES).value())
          .as("only the comprehension-required one")
          .containsExactly(0x77, 0x77);
      byte[] tid = new byte[12];
      StunMessage otherMethod =
          exchange(
              socket, new StunEncoder(0x00B, StunMessage.Kind.REQUEST, tid).encode(null, false));
      assertThat(otherMethod.kind()).isEqualTo(StunMessage.Kind.ERROR);
      assertThat(Expected.attribute(otherMethod, StunAttributes.ERROR_CODE).value())
          .startsWith(0, 0, 4, 0);
    }
  }

  @Test
  void responsesIndicationsAndWrongFingerprintsGetNothing() throws Exception {
    start();
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(300);
      byte[] tid = new byte[12];
      byte[] indication =
          new StunEncoder(StunAttributes.BINDING, StunMessage.Kind.INDICATION, tid)
              .encode(null, true);
      byte[] response =
          new StunEncoder(StunAttributes.BINDING, StunMessage.Kind.SUCCESS, tid).encode(null, true);
      byte[] badFingerprint = bindingRequest(true);
      badFingerprint[badFingerprint.length - 1] ^= 1;
      for (byte[] b : List.of(indication, response, badFingerprint)) {
        socket.send(new DatagramPacket(b, b.length, server().udpAddress()));
        assertThat(receivesNothing(socket)).isTrue();
      }
    }
  }

  private static boolean receivesNothing(DatagramSocket socket) throws IOException {
    try {
      socket.receive(new DatagramPacket(new byte[2048], 2048));
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }

  /**
   * Garbage - random octets, or a valid request cut or with a corrupted length - is dropped and
   * harms nothing.
   */
  @Property(tries = 300)
  void garbageIsDroppedAndTheServerKeepsAnswering(
      @ForAll @Size(max = 200) byte[] garbage, @ForAll boolean stunShaped) throws Exception {
    start();
    byte[] packet = garbage;
    if (stunShaped) {
      byte[] valid = bindingRequest(true);
      packet =
          Arrays.copyOf(valid, Math.min(valid.length, Math.max(20, garbage.length % valid.length)));
      if (garbage.length > 0) {
        packet[(garbage[0] & 0xff) % packet.length] ^= (byte) (garbage.length | 1);
      }
    }
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(2000);
      socket.send(new DatagramPacket(packet, packet.length, server().udpAddress()));
      // whatever the garbage got, a real request right after is answered
      byte[] request = bindingRequest(false);
      socket.send(new DatagramPacket(request, request.length, server().udpAddress()));
      byte[] buf = new byte[2048];
      StunMessage answer = null;
      while (answer == null
          || !Arrays.equals(answer.transactionId(), Arrays.copyOfRange(request, 8, 20))) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        answer = StunMessage.parse(buf, p.getLength());
      }
      assertThat(answer.kind()).isEqualTo(StunMessage.Kind.SUCCESS);
    }
  }

  @Test
  void aPortInUseIsAClearError() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  StunServer.start(
                          "127.0.0.1",
                          taken.getLocalPort(),
                          1,
                          new BindingService(new SimpleMeterRegistry()))
                      .close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen for STUN on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("stun.port");
    }
  }
}
