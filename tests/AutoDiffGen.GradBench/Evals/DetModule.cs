using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>det</c> module: <c>primal</c>, the determinant, and its <c>gradient</c> in row-major order.</summary>
internal sealed class DetModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "det";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["primal", "gradient"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        double[] a = JsonInput.Vector(input, "A");
        int ell = JsonInput.Int(input, "ell");
        JsonInput.RequirePositive("ell", ell);
        JsonInput.RequireLength("the length of 'A' (ell²)", a.Length, ell * ell);
        return function == "primal"
            ? new ScalarEvaluation(() => DetObjective.Determinant(a, ell))
            : new GradientEvaluation(a.Length, gradient => DetObjective.DeterminantGradient(a, ell, gradient));
    }
}
