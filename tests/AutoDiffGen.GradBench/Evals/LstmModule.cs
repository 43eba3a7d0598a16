using System;
using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>lstm</c> module: <c>objective</c> and <c>jacobian</c>, the gradient with respect to main_params
/// (row-major) followed by extra_params, as one flat array.
/// </summary>
internal sealed class LstmModule : IEvalModule
{
    /// <inheritdoc/>
    public string Name => "lstm";

    /// <inheritdoc/>
    public IReadOnlyList<string> Functions { get; } = ["objective", "jacobian"];

    /// <inheritdoc/>
    public IEvaluation Prepare(string function, JsonElement input)
    {
        return Prepare(function, LstmInput.Read(input));
    }

    /// <summary>Binds an input that is already in memory (a generated workload) to <paramref name="function"/>.</summary>
    public static IEvaluation Prepare(string function, LstmInput input) =>
        function == "objective" ? new Objective(input) : new Jacobian(input);

    /// <summary>The eval's input, flattened row-major, with the sizes GradBench derives from its shape.</summary>
    internal sealed record LstmInput(
        int Layers, int Bits, int Characters, double[] MainParams, double[] ExtraParams, double[] State, double[] Sequence)
    {
        /// <summary>Reads the four matrices; l is half the rows of main_params, b a quarter of its columns, c the rows of sequence.</summary>
        public static LstmInput Read(JsonElement input)
        {
            double[] main = JsonInput.Matrix(input, "main_params", out int mainRows, out int mainColumns);
            double[] extra = JsonInput.Matrix(input, "extra_params", out int extraRows, out int extraColumns);
            double[] state = JsonInput.Matrix(input, "state", out int stateRows, out int stateColumns);
            double[] sequence = JsonInput.Matrix(input, "sequence", out int sequenceRows, out int sequenceColumns);
            int layers = mainRows / 2;
            int bits = mainColumns / 4;
            JsonInput.RequirePositive("the number of layers (half the rows of main_params)", layers);
            JsonInput.RequirePositive("the number of bits (a quarter of the columns of main_params)", bits);
            JsonInput.RequireLength("the number of rows of 'main_params'", mainRows, 2 * layers);
            JsonInput.RequireLength("the number of columns of 'main_params'", mainColumns, 4 * bits);
            JsonInput.RequireLength("the number of rows of 'extra_params'", extraRows, 3);
            JsonInput.RequireLength("the number of columns of 'extra_params'", extraColumns, bits);
            JsonInput.RequireLength("the number of rows of 'state'", stateRows, 2 * layers);
            JsonInput.RequireLength("the number of columns of 'state'", stateColumns, bits);
            JsonInput.RequirePositive("the number of characters (rows of sequence)", sequenceRows);
            JsonInput.RequireLength("the number of columns of 'sequence'", sequenceColumns, bits);
            return new LstmInput(layers, bits, sequenceRows, main, extra, state, sequence);
        }

        /// <summary>The mean log-loss.</summary>
        public double Objective() => LstmObjective.Loss(MainParams, ExtraParams, State, Sequence, Layers, Bits, Characters);
    }

    /// <summary>The mean log-loss.</summary>
    private sealed class Objective(LstmInput input) : IEvaluation
    {
        private double _value;

        public void Run() => _value = input.Objective();

        public void WriteOutput(Utf8JsonWriter writer) => writer.WriteNumberValue(_value);
    }

    /// <summary>The gradient, main_params first.</summary>
    private sealed class Jacobian(LstmInput input) : IEvaluation
    {
        private readonly double[] _gradient = new double[input.MainParams.Length + input.ExtraParams.Length];

        public void Run() => LstmObjective.LossGradient(
            input.MainParams, input.ExtraParams, input.State, input.Sequence, input.Layers, input.Bits, input.Characters,
            _gradient.AsSpan(0, input.MainParams.Length), _gradient.AsSpan(input.MainParams.Length));

        public void WriteOutput(Utf8JsonWriter writer) => JsonOutput.Vector(writer, _gradient);
    }
}
