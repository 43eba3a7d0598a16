using System;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace AutoDiffGen.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>--verify</c>: run the correctness checks and the generator's incremental check, then exit (non-zero on failure).
    /// <c>--step-turns [N]</c>: after the same checks, time the MNIST training steps taking turns, N calls each
    /// (default 800; see <see cref="InterleavedStepComparison"/>). Anything else goes to BenchmarkDotNet (for example
    /// <c>--filter '*'</c>), after the same checks.
    /// <code>
    /// dotnet run -c Release --project tests/AutoDiffGen.Benchmarks -- --filter '*'
    /// dotnet run -c Release --project tests/AutoDiffGen.Benchmarks -- --verify
    /// dotnet run -c Release --project tests/AutoDiffGen.Benchmarks -- --step-turns 800
    /// </code>
    /// </summary>
    public static int Main(string[] args)
    {
        bool verifyOnly = args.Contains("--verify");
        int stepTurnsAt = Array.IndexOf(args, "--step-turns");
        int turns = 800;
        if (stepTurnsAt >= 0 && stepTurnsAt + 1 < args.Length
            && !(int.TryParse(args[stepTurnsAt + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out turns) && turns > 0))
        {
            Console.Error.WriteLine($"error: --step-turns takes a positive whole number of calls, not '{args[stepTurnsAt + 1]}'");
            return 2;
        }
        bool ok = Verification.Run(Console.Out);
        if (verifyOnly || !ok)
        {
            return ok ? 0 : 1;
        }
        if (stepTurnsAt >= 0)
        {
            InterleavedStepComparison.Run(Console.Out, turns);
            return 0;
        }
        // Jobs and columns come from BenchmarkConfig on each class; reports go next to the program (under bin/),
        // not into whatever directory the command was started from.
        IConfig config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
