package io.palisade.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person is at the other end of standard input and output, rather than a pipe, a file or a log collector. */
final class Terminal {
    private Terminal() {}

    // The null check is right for JDK 21, which this code is built for and runs on: there System.console()
    // is null off a terminal. For JDK 22 and newer, isTerminal() below decides.
    @SuppressWarnings("SystemConsoleNull")
    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From JDK 22, System.console() is not null when the streams are redirected; isTerminal() says
            // whether they really are a terminal. Looked up by reflection: the code is built for JDK 21.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true; // Up to JDK 21, a console exists only on a terminal.
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // When in doubt, do not show a secret.
        }
    }
}
