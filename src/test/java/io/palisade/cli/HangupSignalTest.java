package io.palisade.cli;

import io.palisade.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** SIGHUP reaches the handler installed through reflection (what {@code serve} reloads the config on). */
class HangupSignalTest {
    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aHangupSentToThisProcessRunsTheAction() throws IOException, InterruptedException {
        AtomicInteger hangups = new AtomicInteger();
        HangupSignal.handle(hangups::incrementAndGet);

        Process kill = new ProcessBuilder(
                        "kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -HUP failed with exit code " + kill.exitValue());
        }

        Await.until(Duration.ofSeconds(10), () -> hangups.get() == 1, "the SIGHUP handler to run once");
    }
}
