package dev.evertone.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TURN relay over real UDP sockets, with a client written out attribute by attribute. */
class TurnServiceTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String REALM = "evertone.test";
  private @Nullable StunServer server;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    start(true, 2);
  }

  private void start(boolean loopbackPeers, int perUser) throws Exception {
    start(loopbackPeers, perUser, null);
  }

  private void start(boolean loopbackPeers, int perUser, @Nullable String relayHostIpv6)
      throws Exception {
    if (server != null) {
      server.close();
    }
    TurnConfig config =
        new TurnConfig(
            REALM,
            Map.of("alice", "alice-pw"),
            List.of("old-secret", "new-secret"),
            "127.0.0.1",
            relayHostIpv6,
            49152,
            65535,
            3600,
            perUser,
            100,
            loopbackPeers,
            false,
            0,
            null);
    server = StunServer.start("127.0.0.1", 0, 1, new BindingService(meters), config, meters);
  }

  @AfterEach
  void stop() {
    server().close();
  }

  private StunServer server() {
    return Objects.requireNonNull(server, "start() comes first");
  }

  /**
   * A TURN client: one UDP socket (or a TCP connection), the credentials, and the nonce the server
   * gave.
   */
  private final class Client implements AutoCloseable {
    final DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    final java.net.@Nullable Socket connection;
    final String user;
    final String password;
    String nonce = "";

    Client(String user, String password) throws Exception {
      this(user, password, false);
    }

    Client(String user, String password, boolean tcp) throws Exception {
      this.user = user;
      this.password = password;
      socket.setSoTimeout(2000);
      java.net.Socket connection =
          tcp
              ? new java.net.Socket(
                  server().tcpAddress().getAddress(), server().tcpAddress().getPort())
              : null;
      if (connection != null) {
        connection.setSoTimeout(2000);
      }
      this.connection = connection;
    }

    /** The TCP connection of a TCP client. */
    java.net.Socket connection() {
      return Objects.requireNonNull(connection, "a TCP client");
    }

    void send(byte[] message) throws Exception {
      java.net.Socket connection = this.connection;
      if (connection != null) {
        connection.getOutputStream().write(message);
      } else {
        socket.send(new DatagramPacket(message, message.length, server().udpAddress()));
      }
    }

    /**
     * The next datagram, or the next frame on the connection: a STUN message, or ChannelData with
     * its padding.
     */
    byte[] receive() throws Exception {
      java.net.Socket connection = this.connection;
      if (connection == null) {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return Arrays.copyOf(buf, p.getLength());
      }
      java.io.DataInputStream in = new java.io.DataInputStream(connection.getInputStream());
      byte[] header = new byte[4];
      in.readFully(header);
      int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      int rest = (header[0] & 0xC0) == 0x40 ? (length + 3) & ~3 : StunMessage.HEADER - 4 + length;
      byte[] frame = Arrays.copyOf(header, 4 + rest);
      in.readFully(frame, 4, rest);
      return frame;
    }

    byte[] key() {
      return StunIntegrity.longTermKey(user, REALM, password);
    }

    StunEncoder request(int method) {
      byte[] tid = new byte[12];
      RANDOM.nextBytes(tid);
      return new StunEncoder(method, StunMessage.Kind.REQUEST, tid);
    }

    /**
     * Sends a request with credentials (after learning the nonce from a 401 if needed); returns the
     * answer.
     */
    StunMessage call(int method, java.util.function.UnaryOperator<StunEncoder> attributes)
        throws Exception {
      for (int attempt = 0; attempt < 2; attempt++) {
        StunEncoder e =
            attributes
                .apply(request(method))
                .text(StunAttributes.USERNAME, user)
                .text(StunAttributes.REALM, REALM)
                .text(StunAttributes.NONCE, nonce);
        StunMessage answer = exchange(e.encode(key(), true));
        if (answer.kind() == StunMessage.Kind.ERROR
            && (code(answer) == 401 || code(answer) == 438)
            && attempt == 0) {
          nonce = Expected.text(answer, StunAttributes.NONCE);
          continue;
        }
        return answer;
      }
      throw new AssertionError("unreachable");
    }

    StunMessage exchange(byte[] request) throws Exception {
      send(request);
      while (true) {
        byte[] answer = receive();
        StunMessage m = StunMessage.parse(answer, answer.length);
        if (Arrays.equals(m.transactionId(), Arrays.copyOfRange(request, 8, 20))) {
          return m;
        }
      }
    }

    InetSocketAddress allocate() throws Exception {
      StunMessage ok =
          call(
              StunAttributes.ALLOCATE,
              e -> e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
      assertThat(ok.kind()).as("allocate: %s", describe(ok)).isEqualTo(StunMessage.Kind.SUCCESS);
      assertThat(StunIntegrity.verify(ok, key()))
          .as("the success response is signed with the user's key")
          .isTrue();
      return Expected.xorAddress(ok, StunAttributes.XOR_RELAYED_ADDRESS);
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
      java.net.Socket connection = this.connection;
      if (connection != null) {
        connection.close();
      }
    }
  }

  static int code(StunMessage m) {
    byte[] v = Expected.attribute(m, StunAttributes.ERROR_CODE).value();
    return (v[2] & 0x07) * 100 + (v[3] & 0xff);
  }

  static String describe(StunMessage m) {
    return m.kind() == StunMessage.Kind.ERROR ? m + " " + code(m) : m.toString();
  }

  private static StunEncoder peer(StunEncoder e, InetSocketAddress peer) {
    return e.xorAddress(StunAttributes.XOR_PEER_ADDRESS, peer);
  }

  @Test
  void anAllocationRelaysToAPermittedPeerBothWaysWithSendIndicationsAndChannels() throws Exception {
    try (Client alice = new Client("alice", "alice-pw");
        DatagramSocket peer =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      peer.setSoTimeout(300);
      // without credentials: 401 with realm and nonce
      StunMessage challenge =
          alice.exchange(
              alice
                  .request(StunAttributes.ALLOCATE)
                  .add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                  .encode(null, true));
      assertThat(code(challenge)).isEqualTo(401);
      assertThat(challenge.text(StunAttributes.REALM)).isEqualTo(REALM);
      InetSocketAddress relay = alice.allocate();
      assertThat(relay.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());

      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      byte[] hello = "hello peer".getBytes(StandardCharsets.UTF_8);
      byte[] tid = new byte[12];
      byte[] send =
          peer(new StunEncoder(StunAttributes.SEND, StunMessage.Kind.INDICATION, tid), peerAddress)
              .add(StunAttributes.DATA_ATTRIBUTE, hello)
              .encode(null, false);
      alice.socket.send(new DatagramPacket(send, send.length, server().udpAddress()));
      assertThat(received(peer)).as("no permission yet: nothing is relayed").isNull();

      StunMessage permitted =
          alice.call(StunAttributes.CREATE_PERMISSION, e -> peer(e, peerAddress));
      assertThat(permitted.kind()).as(describe(permitted)).isEqualTo(StunMessage.Kind.SUCCESS);
      alice.socket.send(new DatagramPacket(send, send.length, server().udpAddress()));
      DatagramPacket atPeer = receivedPacket(peer);
      assertThat(new String(atPeer.getData(), 0, atPeer.getLength(), StandardCharsets.UTF_8))
          .isEqualTo("hello peer");
      assertThat(atPeer.getSocketAddress())
          .as("it comes from the relayed address")
          .isEqualTo(relay);

      // the peer answers: a Data indication to alice
      byte[] back = "hello alice".getBytes(StandardCharsets.UTF_8);
      peer.send(new DatagramPacket(back, back.length, relay));
      byte[] buf = new byte[2048];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      alice.socket.receive(p);
      StunMessage data = StunMessage.parse(buf, p.getLength());
      assertThat(data.method()).isEqualTo(StunAttributes.DATA);
      assertThat(data.xorAddress(StunAttributes.XOR_PEER_ADDRESS)).isEqualTo(peerAddress);
      assertThat(
              new String(
                  Expected.attribute(data, StunAttributes.DATA_ATTRIBUTE).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo("hello alice");

      // a channel: ChannelData both ways
      StunMessage bound =
          alice.call(
              StunAttributes.CHANNEL_BIND,
              e ->
                  peer(e, peerAddress)
                      .add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x40, 1, 0, 0}));
      assertThat(bound.kind()).as(describe(bound)).isEqualTo(StunMessage.Kind.SUCCESS);
      byte[] channelData =
          ByteBuffer.allocate(4 + 3)
              .putShort((short) 0x4001)
              .putShort((short) 3)
              .put(new byte[] {7, 8, 9})
              .array();
      alice.socket.send(new DatagramPacket(channelData, channelData.length, server().udpAddress()));
      DatagramPacket viaChannel = receivedPacket(peer);
      assertThat(Arrays.copyOf(viaChannel.getData(), viaChannel.getLength()))
          .containsExactly(7, 8, 9);
      peer.send(new DatagramPacket(new byte[] {1, 2}, 2, relay));
      p = new DatagramPacket(buf, buf.length);
      alice.socket.receive(p);
      assertThat(Arrays.copyOf(buf, p.getLength())).containsExactly(0x40, 0x01, 0, 2, 1, 2);
      // a full-size datagram (1,472 bytes fill a 1,500-byte Ethernet frame) passes whole both ways
      byte[] big = new byte[1472];
      RANDOM.nextBytes(big);
      byte[] bigChannelData =
          ByteBuffer.allocate(4 + big.length)
              .putShort((short) 0x4001)
              .putShort((short) big.length)
              .put(big)
              .array();
      alice.socket.send(
          new DatagramPacket(bigChannelData, bigChannelData.length, server().udpAddress()));
      DatagramPacket bigAtPeer = receivedPacket(peer);
      assertThat(Arrays.copyOf(bigAtPeer.getData(), bigAtPeer.getLength())).isEqualTo(big);
      peer.send(new DatagramPacket(big, big.length, relay));
      assertThat(Arrays.copyOfRange(alice.receive(), 4, 4 + big.length)).isEqualTo(big);

      // the same 5-tuple cannot allocate twice; a refresh to 0 ends it
      StunMessage again =
          alice.call(
              StunAttributes.ALLOCATE,
              e -> e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
      assertThat(code(again)).isEqualTo(437);
      StunMessage ended =
          alice.call(
              StunAttributes.REFRESH, e -> e.add(StunAttributes.LIFETIME, new byte[] {0, 0, 0, 0}));
      assertThat(ended.kind()).isEqualTo(StunMessage.Kind.SUCCESS);
      assertThat(meters.get("evertone.turn.allocations").gauge().value()).isZero();
    }
  }

  @Test
  void overTcpTheConnectionIsTheFiveTupleChannelDataIsPaddedAndClosingItEndsTheAllocation()
      throws Exception {
    try (Client alice = new Client("alice", "alice-pw", true);
        DatagramSocket peer =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      peer.setSoTimeout(2000);
      StunMessage mapped =
          alice.exchange(alice.request(StunAttributes.BINDING).encode(null, false));
      assertThat(mapped.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS))
          .as("Binding over the relay's TCP port")
          .isEqualTo(alice.connection().getLocalSocketAddress());
      InetSocketAddress relay = alice.allocate();
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      StunMessage bound =
          alice.call(
              StunAttributes.CHANNEL_BIND,
              e ->
                  peer(e, peerAddress)
                      .add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x40, 2, 0, 0}));
      assertThat(bound.kind()).as(describe(bound)).isEqualTo(StunMessage.Kind.SUCCESS);

      // RFC 8656 12.5: over TCP, 3 bytes of data travel in a frame padded to 8; the peer gets the 3
      // bytes
      byte[] channelData =
          ByteBuffer.allocate(8)
              .putShort((short) 0x4002)
              .putShort((short) 3)
              .put(new byte[] {7, 8, 9, 0})
              .array();
      byte[] binding = alice.request(StunAttributes.BINDING).encode(null, false);
      alice.send(
          ByteBuffer.allocate(channelData.length + binding.length)
              .put(channelData)
              .put(binding)
              .array()); // two frames, one write
      DatagramPacket atPeer = receivedPacket(peer);
      assertThat(Arrays.copyOf(atPeer.getData(), atPeer.getLength())).containsExactly(7, 8, 9);
      assertThat(atPeer.getSocketAddress()).isEqualTo(relay);
      assertThat(StunMessage.parse(alice.receive(), StunMessage.HEADER + 12).kind())
          .as("the frame after the padding is read too")
          .isEqualTo(StunMessage.Kind.SUCCESS);
      peer.send(new DatagramPacket(new byte[] {1, 2, 3, 4, 5}, 5, relay));
      assertThat(alice.receive()).containsExactly(0x40, 0x02, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0);

      alice.connection().close();
      long deadline = System.currentTimeMillis() + 2000;
      while (meters.get("evertone.turn.allocations").gauge().value() > 0
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(meters.get("evertone.turn.allocations").gauge().value())
          .as("the allocation ends with its connection")
          .isZero();
    }
  }

  @Test
  void aTcpClientThatStopsReadingLosesDatagramsInsteadOfFillingTheServersMemory() throws Exception {
    try (Client alice = new Client("alice", "alice-pw", true);
        DatagramSocket peer =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      InetSocketAddress relay = alice.allocate();
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      StunMessage bound =
          alice.call(
              StunAttributes.CHANNEL_BIND,
              e ->
                  peer(e, peerAddress)
                      .add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x40, 3, 0, 0}));
      assertThat(bound.kind()).as(describe(bound)).isEqualTo(StunMessage.Kind.SUCCESS);
      // alice reads nothing while the peer sends 40 MB: more than the kernel's buffers and the
      // server's queue hold
      byte[] chunk = new byte[1000];
      for (int i = 0; i < 40_000; i++) {
        peer.send(new DatagramPacket(chunk, chunk.length, relay));
        if (i % 500 == 0) {
          Thread.sleep(
              1); // let the relay socket keep up, so that the drops are the server's, not the peer
          // socket's
        }
      }
      long deadline = System.currentTimeMillis() + 5_000;
      while (meters.get("evertone.turn.dropped").counter().count() == 0
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(meters.get("evertone.turn.dropped").counter().count())
          .as("dropped, and counted")
          .isPositive();
      try (Client bob = new Client("alice", "alice-pw")) {
        assertThat(bob.allocate()).as("the server still serves others").isNotNull();
      }
    }
  }

  @Test
  void aStreamThatIsNeitherStunNorChannelDataIsClosed() throws Exception {
    try (java.net.Socket s =
        new java.net.Socket(server().tcpAddress().getAddress(), server().tcpAddress().getPort())) {
      s.setSoTimeout(2000);
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).as("the server closes without answering").isEqualTo(-1);
    }
    try (Client alice = new Client("alice", "alice-pw", true)) {
      assertThat(alice.allocate()).as("the server still serves others").isNotNull();
    }
  }

  private static DatagramPacket receivedPacket(DatagramSocket socket) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    socket.receive(p);
    return p;
  }

  private static byte @Nullable [] received(DatagramSocket socket) throws Exception {
    try {
      DatagramPacket p = receivedPacket(socket);
      return Arrays.copyOf(p.getData(), p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  @Test
  void restCredentialsWithEitherSecretUntilTheyExpireAndWrongOnesAreRefused() throws Exception {
    String username = (System.currentTimeMillis() / 1000 + 3600) + ":bob";
    for (String secret : List.of("old-secret", "new-secret")) {
      String password =
          Base64.getEncoder()
              .encodeToString(
                  StunIntegrity.hmacSha1(
                      secret.getBytes(StandardCharsets.UTF_8),
                      username.getBytes(StandardCharsets.UTF_8)));
      try (Client bob = new Client(username, password)) {
        bob.allocate();
      }
    }
    String expired = (System.currentTimeMillis() / 1000 - 10) + ":bob";
    String expiredPassword =
        Base64.getEncoder()
            .encodeToString(
                StunIntegrity.hmacSha1(
                    "new-secret".getBytes(StandardCharsets.UTF_8),
                    expired.getBytes(StandardCharsets.UTF_8)));
    for (Client c :
        List.of(
            new Client(expired, expiredPassword),
            new Client("alice", "wrong"),
            new Client("mallory", "x"))) {
      try (c) {
        StunMessage refused =
            c.call(
                StunAttributes.ALLOCATE,
                e -> e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
        assertThat(code(refused)).as(c.user).isEqualTo(401);
      }
    }
  }

  @Test
  void anIpv6RelayIsGivenWhenAskedForAndOnlyIpv6PeersArePermittedOnIt() throws Exception {
    byte[] ipv6 = {2, 0, 0, 0};
    try (Client alice = new Client("alice", "alice-pw")) {
      StunMessage refused =
          alice.call(
              StunAttributes.ALLOCATE,
              e ->
                  e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                      .add(StunAttributes.REQUESTED_ADDRESS_FAMILY, ipv6));
      assertThat(code(refused)).as("no IPv6 relay address configured").isEqualTo(440);
    }
    start(true, 2, "::1");
    try (Client alice = new Client("alice", "alice-pw");
        DatagramSocket peer =
            new DatagramSocket(new InetSocketAddress(Expected.ipv6Loopback(), 0))) {
      peer.setSoTimeout(2000);
      StunMessage ok =
          alice.call(
              StunAttributes.ALLOCATE,
              e ->
                  e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                      .add(StunAttributes.REQUESTED_ADDRESS_FAMILY, ipv6));
      assertThat(ok.kind()).as(describe(ok)).isEqualTo(StunMessage.Kind.SUCCESS);
      InetSocketAddress relay = Expected.xorAddress(ok, StunAttributes.XOR_RELAYED_ADDRESS);
      assertThat(relay.getAddress()).isEqualTo(Expected.ipv6Loopback());
      // RFC 8656 9.1 and 11.2: an IPv4 peer on an IPv6 relay
      InetSocketAddress v4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
      assertThat(code(alice.call(StunAttributes.CREATE_PERMISSION, e -> peer(e, v4))))
          .isEqualTo(443);
      assertThat(
              code(
                  alice.call(
                      StunAttributes.CHANNEL_BIND,
                      e ->
                          peer(e, v4)
                              .add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x40, 2, 0, 0}))))
          .isEqualTo(443);
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      StunMessage bound =
          alice.call(
              StunAttributes.CHANNEL_BIND,
              e ->
                  peer(e, peerAddress)
                      .add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x40, 1, 0, 0}));
      assertThat(bound.kind()).as(describe(bound)).isEqualTo(StunMessage.Kind.SUCCESS);
      byte[] channelData =
          ByteBuffer.allocate(4 + 3)
              .putShort((short) 0x4001)
              .putShort((short) 3)
              .put(new byte[] {7, 8, 9})
              .array();
      alice.socket.send(new DatagramPacket(channelData, channelData.length, server().udpAddress()));
      DatagramPacket atPeer = receivedPacket(peer);
      assertThat(Arrays.copyOf(atPeer.getData(), atPeer.getLength())).containsExactly(7, 8, 9);
      assertThat(atPeer.getSocketAddress())
          .as("it comes from the IPv6 relayed address")
          .isEqualTo(relay);
      peer.send(new DatagramPacket(new byte[] {1, 2}, 2, relay));
      assertThat(Arrays.copyOf(alice.receive(), 6)).containsExactly(0x40, 0x01, 0, 2, 1, 2);
    }
  }

  @Test
  void peersInDeniedRangesQuotasAndUnsupportedRequestsAreRefused() throws Exception {
    start(false, 1);
    try (Client alice = new Client("alice", "alice-pw");
        Client again = new Client("alice", "alice-pw")) {
      alice.allocate();
      for (String denied :
          List.of(
              "127.0.0.1",
              "10.1.2.3",
              "192.168.1.1",
              "172.16.0.9",
              "169.254.1.1",
              "0.0.0.0",
              "100.64.0.1",
              "198.18.0.1", // benchmarking (RFC 2544)
              "198.19.255.254",
              "192.0.2.1", // documentation
              "198.51.100.1",
              "203.0.113.9",
              "240.0.0.1")) {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(denied), 5000);
        StunMessage refused = alice.call(StunAttributes.CREATE_PERMISSION, e -> peer(e, target));
        assertThat(code(refused)).as(denied).isEqualTo(403);
      }
      // a permission sends nothing: no packet leaves the machine
      InetSocketAddress outside = new InetSocketAddress(InetAddress.getByName("8.8.8.8"), 5000);
      StunMessage ok = alice.call(StunAttributes.CREATE_PERMISSION, e -> peer(e, outside));
      assertThat(ok.kind()).isEqualTo(StunMessage.Kind.SUCCESS);
      StunMessage quota =
          again.call(
              StunAttributes.ALLOCATE,
              e -> e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
      assertThat(code(quota)).as("one allocation per user here").isEqualTo(486);
      StunMessage tcp =
          again.call(
              StunAttributes.ALLOCATE,
              e -> e.add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {6, 0, 0, 0}));
      assertThat(code(tcp)).isIn(442, 486);
      StunMessage badChannel =
          alice.call(
              StunAttributes.CHANNEL_BIND,
              e -> peer(e, outside).add(StunAttributes.CHANNEL_NUMBER, new byte[] {0x30, 0, 0, 0}));
      assertThat(code(badChannel)).isEqualTo(400);
    }
  }
}
