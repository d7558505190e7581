package dev.evertone.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the remote CLI says when the server dies between taking a request and answering it. */
class RemoteProvisioningTest {

  /**
   * A server that reads the start of each request and closes its connection without answering (a
   * client may retry a GET once), until it is closed.
   */
  private static ServerSocket dying() throws Exception {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    CompletableFuture<?> unused =
        CompletableFuture.runAsync(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  int unusedBytes = in.read(new byte[4096]);
                } catch (Exception e) {
                  // closed: the test's assertion tells what the client saw
                }
              }
            });
    return server;
  }

  @Test
  void aChangeWhoseAnswerWasLostMayHaveBeenApplied() throws Exception {
    try (ServerSocket server = dying()) {
      RemoteProvisioning remote =
          new RemoteProvisioning("http://127.0.0.1:" + server.getLocalPort(), "token");
      assertThatThrownBy(() -> remote.addDomain("example.com"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "the server at http://127.0.0.1:"
                  + server.getLocalPort()
                  + "/api/v1 closed the connection before answering POST /domains")
          .hasMessageContaining("the change may have been applied: check with 'evertone audit'");
    }
  }

  @Test
  void aReadWhoseAnswerWasLostCanSimplyBeRetried() throws Exception {
    try (ServerSocket server = dying()) {
      RemoteProvisioning remote =
          new RemoteProvisioning("http://127.0.0.1:" + server.getLocalPort(), "token");
      assertThatThrownBy(remote::domains)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageEndingWith("; try again")
          .hasMessageNotContaining("may have been applied");
    }
  }
}
