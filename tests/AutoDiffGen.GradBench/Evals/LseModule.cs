using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>lse</c> module: <c>primal</c>, log Σ exp x, and its <c>gradient</c>.</summary>
internal sealed class LseModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "lse";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["primal", "gradient"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        double[] x = JsonInput.Vector(input, "x");
        JsonInput.RequirePositive("the length of 'x'", x.Length);
        return function == "primal"
            ? new ScalarEvaluation(() => LseObjective.LogSumExp(x))
            : new GradientEvaluation(x.Length, gradient => LseObjective.LogSumExpGradient(x, gradient));
    }
}
