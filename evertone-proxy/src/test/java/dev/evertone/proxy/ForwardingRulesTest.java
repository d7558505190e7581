package dev.evertone.proxy;

import static dev.evertone.proxy.Phone.header;
import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.routing.ForwardRule;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extension's forwarding rules: always, when no device is registered, when busy, when no device
 * answers within its seconds. The call goes on to the rule's target, another extension here; a rule
 * that leads back round ends the call.
 */
class ForwardingRulesTest {
  @TempDir static Path dir;
  private static ProxyHarness proxy;
  private static int extensions;

  private Phone caller;
  private Phone desk;
  private Phone target;
  private String extension;
  private String targetExtension;

  @BeforeAll
  static void start() throws Exception {
    proxy = new ProxyHarness(dir);
    proxy.addExtension("100", "caller");
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  /**
   * A new extension with a desk phone, and a new extension the rules send calls to, whose phone is
   * registered.
   */
  @BeforeEach
  void devices() throws IOException {
    extension = Integer.toString(400 + 2 * extensions);
    targetExtension = Integer.toString(401 + 2 * extensions++);
    proxy.addExtension(extension, "desk" + extension);
    proxy.addExtension(targetExtension, "desk" + targetExtension);
    caller = new Phone(proxy.address(), "caller", DOMAIN);
    desk = new Phone(proxy.address(), "desk" + extension, DOMAIN);
    target = new Phone(proxy.address(), "desk" + targetExtension, DOMAIN);
    assertThat(target.register(password(target.user), "")).isEqualTo(200);
  }

  @AfterEach
  void hangUp() {
    caller.close();
    desk.close();
    target.close();
  }

  private void dial() throws IOException {
    caller.dial("sip:" + extension + "@" + DOMAIN, password("caller"));
  }

  /** The target's phone rings with the call, answers, and the caller gets its 200. */
  private void targetAnswers() throws IOException {
    String atTarget = target.next("INVITE");
    assertThat(atTarget).startsWith("INVITE " + target.contact() + " SIP/2.0\r\n");
    target.send(target.answer(atTarget, "200 OK"));
    assertThat(header(caller.nextResponse(200), "Contact")).isEqualTo("<" + target.contact() + ">");
  }

  @Test
  void unansweredTheCallGoesToTheNoAnswerTargetAfterItsSeconds() throws Exception {
    // 5 s: the shortest ring a rule may ask for
    proxy.forward(extension, ForwardRule.Kind.NO_ANSWER, targetExtension, 5);
    assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
    dial();
    String atDesk = desk.next("INVITE");
    long ringing = System.nanoTime();
    desk.send(desk.answer(atDesk, "180 Ringing"));
    caller.nextResponse(180);
    assertThat(target.hearsNothing(300)).as("the target waits while the desk rings").isTrue();

    String cancel = desk.next("CANCEL", 7000);
    assertThat((System.nanoTime() - ringing) / 1_000_000)
        .as("the desk rang its seconds")
        .isBetween(4500L, 6500L);
    desk.send(desk.answer(cancel, "200 OK"));
    desk.send(desk.answer(atDesk, "487 Request Terminated"));
    targetAnswers();
    assertThat(proxy.outcome("forwarded-by-rule")).isPositive();
  }

  @Test
  void withNoRegisteredDeviceTheCallGoesToTheNotRegisteredTarget() throws Exception {
    proxy.forward(extension, ForwardRule.Kind.UNREGISTERED, targetExtension, null);
    dial();
    targetAnswers();
  }

  @Test
  void busyTheCallGoesToTheBusyTarget() throws Exception {
    proxy.forward(extension, ForwardRule.Kind.BUSY, targetExtension, null);
    assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
    dial();
    String atDesk = desk.next("INVITE");
    desk.send(desk.answer(atDesk, "486 Busy Here"));
    desk.next("ACK");
    targetAnswers();
  }

  @Test
  void alwaysTheCallGoesToTheTargetAndTheDeskDoesNotRing() throws Exception {
    proxy.forward(extension, ForwardRule.Kind.ALWAYS, targetExtension, null);
    assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
    dial();
    targetAnswers();
    assertThat(desk.hearsNothing(200)).isTrue();
  }

  @Test
  void rulesThatSendTheCallRoundInCirclesEndItWith482() throws Exception {
    proxy.forward(extension, ForwardRule.Kind.ALWAYS, targetExtension, null);
    proxy.forward(targetExtension, ForwardRule.Kind.ALWAYS, extension, null);
    dial();
    assertThat(caller.nextResponse(482)).contains("Loop Detected (forwarding)");
    assertThat(target.hearsNothing(200)).isTrue();
  }
}
