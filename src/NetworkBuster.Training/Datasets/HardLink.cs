using System.Runtime.InteropServices;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Hard links (a second name for the same file): a job's folder holds a link to a cached snapshot, so the job deleting
/// its folder, or the cache evicting the entry, leaves the other name readable. .NET has no API for them.
/// </summary>
internal static class HardLink
{
    /// <summary>Creates <paramref name="link"/> naming the file <paramref name="existing"/>; false where the system refuses (another volume, no support).</summary>
    public static bool TryCreate(string existing, string link)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? NativeMethods.CreateHardLinkW(link, existing, IntPtr.Zero)
                : NativeMethods.link(existing, link) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006, CA1707 // the C library's name
        internal static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
#pragma warning restore IDE1006, CA1707

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static extern bool CreateHardLinkW(string link, string existing, IntPtr securityAttributes);
    }
}
