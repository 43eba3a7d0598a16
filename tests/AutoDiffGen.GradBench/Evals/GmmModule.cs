using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>gmm</c> module: <c>objective</c> and its gradient <c>jacobian</c> with respect to α, μ, q and l.</summary>
internal sealed class GmmModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "gmm";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["objective", "jacobian"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        return Prepare(function, GmmInput.Read(input));
    }

    /// <summary>Binds an input that is already in memory (a generated workload) to <paramref name="function"/>.</summary>
    public static IEvaluation Prepare(string function, GmmInput input) =>
        function == "objective" ? new Objective(input) : new Jacobian(input);

    /// <summary>The eval's input, flattened row-major.</summary>
    internal sealed record GmmInput(
        int D, int K, int N, double[] Alpha, double[] Mu, double[] Q, double[] L, double[] X, int WishartM, double WishartGamma)
    {
        /// <summary>d(d − 1)/2, the length of each row of l.</summary>
        public int TriangleSize => D * (D - 1) / 2;

        /// <summary>Reads the fields of GradBench's gmm input and checks that their shapes agree with d, k and n.</summary>
        public static GmmInput Read(JsonElement input)
        {
            int d = JsonInput.Int(input, "d");
            int k = JsonInput.Int(input, "k");
            int n = JsonInput.Int(input, "n");
            JsonInput.RequirePositive("d", d);
            JsonInput.RequirePositive("k", k);
            double[] alpha = JsonInput.Vector(input, "alpha");
            double[] mu = JsonInput.Matrix(input, "mu", out int muRows, out int muColumns);
            double[] q = JsonInput.Matrix(input, "q", out int qRows, out int qColumns);
            double[] l = JsonInput.Matrix(input, "l", out int lRows, out int lColumns);
            double[] x = JsonInput.Matrix(input, "x", out int xRows, out int xColumns);
            JsonInput.RequireLength("the length of 'alpha'", alpha.Length, k);
            JsonInput.RequireLength("the number of rows of 'mu'", muRows, k);
            JsonInput.RequireLength("the number of rows of 'q'", qRows, k);
            JsonInput.RequireLength("the number of rows of 'l'", lRows, k);
            JsonInput.RequireLength("the number of rows of 'x'", xRows, n);
            JsonInput.RequireLength("the length of each row of 'mu'", muColumns, d);
            JsonInput.RequireLength("the length of each row of 'q'", qColumns, d);
            JsonInput.RequireLength("the length of each row of 'l'", lColumns, d * (d - 1) / 2);
            if (n > 0)
            {
                JsonInput.RequireLength("the length of each row of 'x'", xColumns, d);
            }
            return new GmmInput(d, k, n, alpha, mu, q, l, x, JsonInput.Int(input, "m"), JsonInput.Number(input, "gamma"));
        }

        /// <summary>The log posterior.</summary>
        public double Objective() => GmmObjective.LogPosterior(Alpha, Mu, Q, L, X, D, K, N, WishartM, WishartGamma);
    }

    /// <summary>The log posterior.</summary>
    private sealed class Objective(GmmInput input) : IEvaluation
    {
        private double _value;

        public void Run() => _value = input.Objective();

        public void WriteOutput(Utf8JsonWriter writer) => writer.WriteNumberValue(_value);
    }

    /// <summary>The gradient of the log posterior, in the nesting of the input.</summary>
    private sealed class Jacobian(GmmInput input) : IEvaluation
    {
        private readonly double[] _dAlpha = new double[input.Alpha.Length];
        private readonly double[] _dMu = new double[input.Mu.Length];
        private readonly double[] _dQ = new double[input.Q.Length];
        private readonly double[] _dL = new double[input.L.Length];

        public void Run() => GmmObjective.LogPosteriorGradient(
            input.Alpha, input.Mu, input.Q, input.L, input.X, input.D, input.K, input.N, input.WishartM, input.WishartGamma,
            _dAlpha, _dMu, _dQ, _dL);

        public void WriteOutput(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("alpha");
            JsonOutput.Vector(writer, _dAlpha);
            writer.WritePropertyName("mu");
            JsonOutput.Matrix(writer, _dMu, input.K, input.D);
            writer.WritePropertyName("q");
            JsonOutput.Matrix(writer, _dQ, input.K, input.D);
            writer.WritePropertyName("l");
            JsonOutput.Matrix(writer, _dL, input.K, input.TriangleSize);
            writer.WriteEndObject();
        }
    }
}
