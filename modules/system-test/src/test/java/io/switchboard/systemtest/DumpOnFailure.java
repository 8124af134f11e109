package io.switchboard.systemtest;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints every child's command and output when the test failed, before {@code @AfterEach} kills them (failsafe writes
 * it to {@code target/failsafe-reports/<test class>-output.txt}).
 */
final class DumpOnFailure implements AfterTestExecutionCallback {

    private final Supplier<SwitchboardFleet> fleet;

    DumpOnFailure(Supplier<SwitchboardFleet> fleet) {
        this.fleet = fleet;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        SwitchboardFleet f = fleet.get();
        if (context.getExecutionException().isPresent() && f != null) {
            System.out.println("==== " + context.getDisplayName() + " failed: " + context.getExecutionException().get());
            f.dump(System.out);
        }
    }
}
