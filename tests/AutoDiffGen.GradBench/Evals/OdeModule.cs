using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>ode</c> module: <c>primal</c>, the whole solution vector, and <c>gradient</c>, the gradient of its
/// last element with respect to x.
/// </summary>
internal sealed class OdeModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "ode";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["primal", "gradient"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        double[] x = JsonInput.Vector(input, "x");
        int steps = JsonInput.Int(input, "s");
        JsonInput.RequirePositive("the length of 'x'", x.Length);
        JsonInput.RequirePositive("s", steps);
        return function == "primal"
            ? new VectorEvaluation(() => OdeObjective.Solve(x, steps))
            : new GradientEvaluation(x.Length, gradient => OdeObjective.LastOutputGradient(x, steps, gradient));
    }
}
