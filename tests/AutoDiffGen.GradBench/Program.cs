using System;
using System.Globalization;
using System.IO;
using System.Text;
using AutoDiffGen.GradBench.Protocol;
using AutoDiffGen.GradBench.Report;

namespace AutoDiffGen.GradBench;

/// <summary>
/// The command line. Without arguments the program is a GradBench tool on stdin and stdout; with
/// <c>--report DIR</c> it prints objective and derivative times for the workloads saved in DIR and for generated ones.
/// </summary>
internal static class Program
{
    private const string Usage = """
        Usage:
          AutoDiffGen.GradBench                   speak GradBench's protocol on stdin/stdout (how GradBench runs a tool)
          AutoDiffGen.GradBench --report DIR [--samples N] [--saved-only] [--filter TEXT]
                                                  time objective and derivative for the workloads in DIR (GradBench
                                                  workload files: module, functions, input) and for generated gmm and
                                                  lstm workloads of GradBench's default sizes; --filter keeps the
                                                  workloads whose "eval workload" name contains TEXT
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), false, 1 << 16);
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
            GradBenchTool.Run(input, output);
            return 0;
        }
        string? directory = null;
        int samples = 9;
        bool generated = true;
        string filter = "";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--report" when i + 1 < args.Length:
                    directory = args[++i];
                    break;
                case "--samples" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out samples) && samples > 0:
                    i++;
                    break;
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                case "--saved-only":
                    generated = false;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"Invalid argument '{args[i]}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (directory is null || !Directory.Exists(directory))
        {
            Console.Error.WriteLine(directory is null ? "Missing --report DIR." : $"No such directory: '{directory}'.");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        PerformanceReport.Run(directory, samples, generated, filter, Console.Out);
        return 0;
    }
}
