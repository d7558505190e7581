package dev.evertone.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for what a running server does by itself (a monitor's round, a delivery), with a limit
 * that fails the test.
 */
public final class Await {
  private Await() {}

  public static void until(Duration limit, String what, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited " + limit + " for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
