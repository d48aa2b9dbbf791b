package io.palisade.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Runs an action at each SIGHUP. The JDK offers signals only through {@code sun.misc.Signal} (module
 * jdk.unsupported). It is reached by reflection, with a {@link Proxy} for {@code sun.misc.SignalHandler},
 * only because javac's "internal proprietary API" warning cannot be suppressed and the build fails on
 * warnings; the calls are exactly {@code Signal.handle(new Signal("HUP"), handler)}.
 */
final class HangupSignal {
    private HangupSignal() {}

    /**
     * Calls {@code onHangup} on the JVM's signal thread at each SIGHUP.
     *
     * @throws IllegalArgumentException when this platform or JVM has no SIGHUP to handle
     */
    static void handle(Runnable onHangup) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(
                    handlerClass.getClassLoader(),
                    new Class<?>[] {handlerClass},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "handle" -> {
                            onHangup.run();
                            yield null;
                        }
                        case "equals" -> proxy == arguments[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "SIGHUP handler";
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            // new Signal("HUP") and Signal.handle throw IllegalArgumentException where SIGHUP is unknown or reserved.
            if (e.getCause() instanceof IllegalArgumentException unsupported) {
                throw unsupported;
            }
            throw new IllegalStateException("cannot handle SIGHUP: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof IllegalArgumentException unsupported) {
                throw unsupported;
            }
            throw new IllegalArgumentException("this JVM offers no sun.misc.Signal", e);
        }
    }
}
