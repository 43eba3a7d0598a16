using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>llsq</c> module: <c>primal</c>, the least-squares error, and its <c>gradient</c> in x.</summary>
internal sealed class LlsqModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "llsq";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["primal", "gradient"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        double[] x = JsonInput.Vector(input, "x");
        int n = JsonInput.Int(input, "n");
        JsonInput.RequirePositive("n", n);
        return function == "primal"
            ? new ScalarEvaluation(() => LlsqObjective.LeastSquares(x, n))
            : new GradientEvaluation(x.Length, gradient => LlsqObjective.LeastSquaresGradient(x, n, gradient));
    }
}
