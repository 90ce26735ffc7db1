//! The git source: the only module that uses git2. It lists release tags
//! and walks the commits of a range; [`write`] creates histories for the
//! demo, the tests and the benchmarks. Everything it returns is plain data;
//! no git2 type leaves this module.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod pack;
mod refs;
mod walk;
mod write;

pub use walk::Range;
pub use write::{write_history, HistorySpec, Step};

/// Process-wide libgit2 settings for a command-line run. Call once, first
/// thing in `main`, before any thread exists (libgit2 keeps these in
/// unsynchronized globals).
pub fn configure_process() {
    // Objects are only read here: skip re-hashing every object on read, as
    // `git log` does.
    git2::opts::strict_hash_verification(false);
    // Each commit is read once: an object cache would only cost time
    // (storing and evicting) and memory on long histories.
    git2::opts::enable_caching(false);
    // libgit2 now reads only tags and what the pack reader leaves to it
    // (see `pack`): small windows, few of them, so that its own mappings of
    // a large pack do not add to resident memory.
    // SAFETY: `main` calls this first, before any thread exists.
    unsafe {
        let _ = git2::opts::set_mwindow_size(1 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(8 << 20);
    }
}

/// A git repository opened for reading.
pub struct Repo {
    repo: git2::Repository,
    /// Commits stored whole in pack files are read from here, the rest
    /// through libgit2 (see [`pack`]). Opened when first needed: a command
    /// that only looks at the configuration maps no pack index.
    packs: std::cell::OnceCell<std::cell::RefCell<pack::Packs>>,
    /// SHA-1 object ids (the pack reader reads no other).
    sha1: bool,
    /// Dates and parents of every commit read so far in this run. A
    /// release's walk meets many commits earlier walks read (the next
    /// release's walk stops at the tag where this one started; with
    /// maintenance branches the hidden side goes deep): they are never
    /// inflated again, and walked in memory.
    graph: std::sync::Arc<std::sync::Mutex<walk::Graph>>,
    /// `git replace`: replaced commit -> the object that stands in for it.
    replace: HashMap<git2::Oid, git2::Oid>,
    /// `info/grafts`: commit -> the parents it is given.
    grafts: HashMap<git2::Oid, Vec<git2::Oid>>,
    /// Trees read to list the files commits change (monorepos).
    trees: TreeCache,
    /// Decoded commits are shared with the run's other repositories.
    share: bool,
    /// Commit -> its tree, for commits read while sharing (monorepos): the
    /// files a commit changes are then found without reading it again.
    tree_ids: std::cell::RefCell<IdMap<git2::Oid>>,
}

/// A tag as listed: its name and what its reference points to. Listing
/// reads no objects, so it costs the same with ten tags or ten thousand.
#[derive(Debug, Clone)]
pub struct TagRef {
    pub name: String,
    /// The object the reference points to (a commit, or an annotated tag).
    pub target: String,
}

/// A tag resolved to its commit.
#[derive(Debug, Clone)]
pub struct Peeled {
    pub commit: String,
    /// Seconds since the epoch: the tagger's time for an annotated tag, the
    /// commit's time otherwise.
    pub time: i64,
    /// Offset of that time from UTC, in minutes.
    pub offset_minutes: i32,
}

/// One commit, decoded: the domain's raw commit.
pub use crate::domain::assemble::Commit;

impl Repo {
    /// Opens the repository containing `path`, as git finds it: `GIT_DIR`
    /// and `GIT_WORK_TREE` (set in git hooks) when `path` is the current
    /// folder, and a `.git` file (`git clone --separate-git-dir`, worktrees,
    /// submodules) whose folder is the working tree.
    pub fn open(path: &Path) -> Result<Repo> {
        let from_env = path == Path::new(".") && std::env::var_os("GIT_DIR").is_some();
        let opened = if from_env {
            git2::Repository::open_from_env()
        } else {
            git2::Repository::discover(path)
        };
        let repo = opened.map_err(|e| open_error(path, &e))?;
        let worktree = if from_env {
            std::env::var_os("GIT_WORK_TREE")
                .map(PathBuf::from)
                .or_else(|| std::env::current_dir().ok())
        } else {
            gitlink_worktree(path)
        };
        if let Some(dir) = worktree {
            if (from_env || !repo.is_bare()) && repo.workdir() != Some(dir.as_path()) {
                repo.set_workdir(&dir, false).map_err(git_err)?;
            }
        }
        let sha1 = repo
            .config()
            .and_then(|c| c.get_string("extensions.objectformat"))
            .map_or(true, |f| f.eq_ignore_ascii_case("sha1"));
        let replace = replacements(&repo)?;
        let grafts = grafts(&repo);
        Ok(Repo {
            repo,
            packs: std::cell::OnceCell::new(),
            sha1,
            graph: Default::default(),
            replace,
            grafts,
            trees: TreeCache::default(),
            share: false,
            tree_ids: Default::default(),
        })
    }

    /// The pack files, opened on first use.
    fn packs(&self) -> &std::cell::RefCell<pack::Packs> {
        self.packs
            .get_or_init(|| std::cell::RefCell::new(pack::Packs::open(self.repo.path(), self.sha1)))
    }

    /// Lets go of the inflated bases the pack reader keeps, if it was
    /// opened at all.
    fn release_pack_memory(&self) {
        if let Some(p) = self.packs.get() {
            p.borrow().release_memory();
        }
    }

    /// The working directory (the repository root).
    pub fn workdir(&self) -> PathBuf {
        // Rebuilt from components: libgit2 ends the path with a separator.
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .components()
            .collect()
    }

    /// A shallow clone silently hides history: refuse to guess.
    pub fn ensure_complete(&self) -> Result<()> {
        if self.repo.is_shallow() {
            return Err(Error::Git {
                message: format!(
                    "{} is a shallow clone: its history is cut off, so the commits of a release cannot be known",
                    self.workdir().display()
                ),
                help: "fetch the full history and tags with `git fetch --unshallow --tags` (in CI, clone with full depth, for example `fetch-depth: 0`)".into(),
            });
        }
        Ok(())
    }

    /// Every tag, unsorted, without reading any object.
    pub fn tags(&self) -> Result<Vec<TagRef>> {
        if let Some(tags) = refs::tags(self.repo.commondir()) {
            return Ok(tags);
        }
        let mut out = Vec::new();
        let refs = self.repo.references_glob("refs/tags/*").map_err(git_err)?;
        for r in refs {
            let r = r.map_err(git_err)?;
            let (Ok(name), Some(target)) = (r.shorthand(), r.target()) else {
                continue;
            };
            out.push(TagRef {
                name: name.to_string(),
                target: target.to_string(),
            });
        }
        Ok(out)
    }

    /// The commit a tag points to, and the tag's time.
    pub fn peel(&self, tag: &TagRef) -> Result<Peeled> {
        let not_commit = || Error::Git {
            message: format!("tag `{}` does not point to a commit", tag.name),
            help: "release tags must tag commits; delete or move this tag".into(),
        };
        let target = oid(&tag.target)?;
        if let Some((commit, time, offset_minutes)) = self.packs().borrow_mut().peel(target) {
            return Ok(Peeled {
                commit: commit.to_string(),
                time,
                offset_minutes,
            });
        }
        let obj = self.repo.find_object(target, None).map_err(git_err)?;
        let (commit, tagger) = match obj.as_tag() {
            Some(t) => {
                let c = t
                    .target()
                    .and_then(|o| o.peel_to_commit())
                    .map_err(|_| not_commit())?;
                (c, t.tagger().map(|s| s.when()))
            }
            None => (obj.peel_to_commit().map_err(|_| not_commit())?, None),
        };
        let when = tagger.unwrap_or_else(|| commit.time());
        Ok(Peeled {
            commit: commit.id().to_string(),
            time: when.seconds(),
            offset_minutes: when.offset_minutes(),
        })
    }

    /// The commit a revision (`origin/main`, a tag, an id) names, if any.
    pub fn resolve(&self, rev: &str) -> Option<String> {
        self.repo
            .revparse_single(rev)
            .ok()
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id().to_string())
    }

    /// The commit HEAD points to, if any.
    pub fn head(&self) -> Option<String> {
        self.repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id().to_string())
    }

    /// The files commit `id` changes compared with its first parent (every
    /// file of a root commit), relative to the repository root. Read once
    /// per commit in a run, whatever the number of packages asking.
    pub fn changed_paths(&self, id: &str) -> Result<std::sync::Arc<[String]>> {
        static SEEN: std::sync::LazyLock<std::sync::Mutex<IdMap<std::sync::Arc<[String]>>>> =
            std::sync::LazyLock::new(Default::default);
        let o = oid(id)?;
        if let Some(p) = SEEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&Id::from(o))
        {
            return Ok(p.clone());
        }
        let fail = |e: git2::Error| Error::Git {
            message: format!("reading the files commit {id} changes: {}", e.message()),
            help: "check that the repository is complete (`git fsck`)".into(),
        };
        let tree_of = |c: git2::Oid| -> Result<git2::Oid> {
            if let Some(t) = self.tree_ids.borrow().get(&Id::from(c)) {
                return Ok(*t);
            }
            Ok(self.repo.find_commit(c).map_err(fail)?.tree_id())
        };
        let first_parent = match shared_commits().get(&Id::from(o)) {
            Some((_, parents, _)) => parents.first().copied(),
            None => self.repo.find_commit(o).map_err(fail)?.parent_ids().next(),
        };
        let tree = tree_of(o)?;
        let parent = first_parent.map(tree_of).transpose()?;
        let mut paths: Vec<String> = Vec::new();
        changed_files(self, parent, Some(tree), "", &mut paths).map_err(fail)?;
        paths.sort();
        paths.dedup();
        let paths: std::sync::Arc<[String]> = paths.into();
        SEEN.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(Id::from(o), paths.clone());
        Ok(paths)
    }

    /// Whether commit `ancestor` is reachable from commit `of` (or is it).
    pub fn is_ancestor(&self, ancestor: &str, of: &str) -> Result<bool> {
        let (a, b) = (oid(ancestor)?, oid(of)?);
        let found = self.graph().reaches(self, b, a);
        self.release_pack_memory();
        found
    }

    /// Commits reachable from `to` and not from `hide`, newest first
    /// (children before parents; among commits whose children are all
    /// listed, the newest committer time first, then the one found first).
    /// Merges and their side branches are walked; each commit appears once.
    ///
    /// This is git's own "limited" walk, written here so that each commit
    /// is read from the object database once: libgit2's revwalk reads every
    /// commit to learn its parents and a second lookup reads it again for
    /// the message, which doubled the decompression work of `build --all`.
    pub fn commits(&self, to: &str, hide: Option<&str>) -> Result<Vec<Commit>> {
        let range = self.range(to, hide)?;
        self.read_range(range)
    }
}

impl Repo {
    /// The commits [`Repo::commits`] lists, walked in memory but not read:
    /// the run's graph of the history learns the dates and parents of the
    /// commits it did not know. A range counts as a planned read of its
    /// commits until [`Repo::read_range`] reads it.
    pub fn range(&self, to: &str, hide: Option<&str>) -> Result<Range> {
        let hide = hide.map(oid).transpose()?;
        let range = self.graph().range(self, oid(to)?, hide);
        self.release_pack_memory();
        range
    }

    /// The commits of a range, decoded; each commit that several planned
    /// ranges list is read from the object database once for all of them.
    pub fn read_range(&self, range: Range) -> Result<Vec<Commit>> {
        let commits = self.graph().read_range(self, range, walk::Keep::All);
        self.release_pack_memory();
        commits
    }

    /// The commits of a range that `keep` keeps (a package's, in a
    /// monorepo): a commit it does not keep is not copied.
    pub fn read_range_where(
        &self,
        range: Range,
        keep: &mut dyn FnMut(&Commit) -> Result<bool>,
    ) -> Result<Vec<Commit>> {
        let commits = self
            .graph()
            .read_range(self, range, walk::Keep::Where(keep));
        self.release_pack_memory();
        commits
    }

    /// The commits of a range that belong to package number `package`
    /// (below 63): `owners` says which packages a commit belongs to, as a
    /// bit set, and is asked once per commit for the whole run, however
    /// many packages' ranges list it.
    pub fn read_range_owned(
        &self,
        range: Range,
        package: usize,
        owners: &mut dyn FnMut(&Commit) -> Result<u64>,
    ) -> Result<Vec<Commit>> {
        let keep = walk::Keep::Owned {
            bit: 1 << package,
            owners,
        };
        let commits = self.graph().read_range(self, range, keep);
        self.release_pack_memory();
        commits
    }
}

/// A tree's entries: name, id, and whether it is a folder.
type TreeEntries = std::sync::Arc<Vec<(Vec<u8>, git2::Oid, bool)>>;

/// Trees read while listing changed files. A commit's tree is its child's
/// parent tree: each is read once, not twice. Bounded: cleared when full.
#[derive(Default)]
struct TreeCache(std::cell::RefCell<IdMap<TreeEntries>>);

impl TreeCache {
    const MAX: usize = 1 << 14;

    fn entries(&self, repo: &Repo, id: git2::Oid) -> std::result::Result<TreeEntries, git2::Error> {
        if let Some(e) = self.0.borrow().get(&Id::from(id)) {
            return Ok(e.clone());
        }
        // From the pack when it is there (deltas included), else libgit2.
        let parsed = repo.packs().borrow_mut().tree(id).and_then(parse_tree);
        let mut list = match parsed {
            Some(list) => list,
            None => {
                let tree = repo.repo.find_tree(id)?;
                tree.iter()
                    .map(|e| {
                        let dir = e.kind() == Some(git2::ObjectType::Tree);
                        (e.name_bytes().to_vec(), e.id(), dir)
                    })
                    .collect()
            }
        };
        // By plain name order (git's own order sorts a folder as if its
        // name ended in `/`), so that two trees merge in one pass.
        list.sort_by(|a, b| a.0.cmp(&b.0));
        let e: TreeEntries = std::sync::Arc::new(list);
        let mut map = self.0.borrow_mut();
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(Id::from(id), e.clone());
        Ok(e)
    }
}

/// A tree object's entries (`<mode> <name>\0<20-byte id>`, repeated):
/// name, id, and whether it is a folder (mode 40000). `None` if malformed.
fn parse_tree(mut raw: &[u8]) -> Option<Vec<(Vec<u8>, git2::Oid, bool)>> {
    let mut out = Vec::new();
    while !raw.is_empty() {
        let space = raw.iter().position(|&b| b == b' ')?;
        let mode = &raw[..space];
        let rest = &raw[space + 1..];
        let nul = rest.iter().position(|&b| b == 0)?;
        let name = &rest[..nul];
        let id = git2::Oid::from_bytes(rest.get(nul + 1..nul + 21)?).ok()?;
        out.push((name.to_vec(), id, mode == b"40000"));
        raw = &rest[nul + 21..];
    }
    Some(out)
}

/// The files that differ between trees `a` and `b` (either may be
/// missing), below `prefix`. Subtrees with the same id on both sides are
/// passed over unread: a commit that changes two files reads only the
/// trees on their paths, which is what makes this faster than a full diff.
fn changed_files(
    repo: &Repo,
    a: Option<git2::Oid>,
    b: Option<git2::Oid>,
    prefix: &str,
    out: &mut Vec<String>,
) -> std::result::Result<(), git2::Error> {
    let entries = |t: Option<git2::Oid>| -> std::result::Result<Option<TreeEntries>, git2::Error> {
        t.map(|t| repo.trees.entries(repo, t)).transpose()
    };
    let (ea, eb) = (entries(a)?, entries(b)?);
    let empty = Vec::new();
    let (ea, eb) = (
        ea.as_deref().unwrap_or(&empty),
        eb.as_deref().unwrap_or(&empty),
    );
    // Both lists are sorted by name: walk them side by side.
    let (mut i, mut j) = (0, 0);
    while i < ea.len() || j < eb.len() {
        let order = match (ea.get(i), eb.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (x, y) = match order {
            std::cmp::Ordering::Less => (ea.get(i), None),
            std::cmp::Ordering::Greater => (None, eb.get(j)),
            std::cmp::Ordering::Equal => (ea.get(i), eb.get(j)),
        };
        i += usize::from(order != std::cmp::Ordering::Greater);
        j += usize::from(order != std::cmp::Ordering::Less);
        if x.map(|e| Id::from(e.1)) == y.map(|e| Id::from(e.1)) {
            continue;
        }
        let name = x.or(y).map(|e| e.0.as_slice()).unwrap_or_default();
        let path = format!("{prefix}{}", String::from_utf8_lossy(name));
        let dir = |e: Option<&(Vec<u8>, git2::Oid, bool)>| e.filter(|e| e.2).map(|e| e.1);
        if dir(x).is_some() || dir(y).is_some() {
            changed_files(repo, dir(x), dir(y), &format!("{path}/"), out)?;
        }
        // A file on either side (a file that became a folder counts too).
        if x.is_some_and(|e| !e.2) || y.is_some_and(|e| !e.2) {
            out.push(path);
        }
    }
    Ok(())
}

/// A commit id as a map key: compared and hashed as plain bytes (a
/// `git2::Oid` compares through a call into libgit2, which was 5% of
/// `build --all` on git's own history).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Id([u8; 20]);

impl From<git2::Oid> for Id {
    fn from(o: git2::Oid) -> Id {
        let mut b = [0; 20];
        let raw = o.as_bytes();
        let n = raw.len().min(20);
        b[..n].copy_from_slice(&raw[..n]);
        Id(b)
    }
}

/// Hashes an [`Id`] by its first eight bytes: object ids are already
/// uniformly distributed, so SipHash over all twenty bytes buys nothing.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8).take(1) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type IdMap<V> = HashMap<Id, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Commits decoded in this run, for every repository opened with
/// [`Repo::share_commits`]: the packages of a monorepo walk the same
/// history, and each commit is inflated and decoded once for all of them.
fn shared_commits() -> std::sync::MutexGuard<'static, SharedCommits> {
    static SHARED: std::sync::LazyLock<std::sync::Mutex<SharedCommits>> =
        std::sync::LazyLock::new(Default::default);
    SHARED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Decoded commits by id: committer time, parents, the commit.
type SharedCommits = IdMap<(i64, Vec<git2::Oid>, std::sync::Arc<Commit>)>;

impl Repo {
    /// Shares decoded commits with every other repository of the run that
    /// does so (the packages of a monorepo; see [`shared_commits`]).
    pub fn share_commits(&mut self) {
        self.share = true;
        // The packages of a monorepo walk the same history: one graph of
        // it for the whole run.
        static SHARED: std::sync::LazyLock<std::sync::Arc<std::sync::Mutex<walk::Graph>>> =
            std::sync::LazyLock::new(Default::default);
        self.graph = SHARED.clone();
    }

    /// The run's graph of the history (this repository's own, or the one
    /// shared by the packages of a monorepo).
    fn graph(&self) -> std::sync::MutexGuard<'_, walk::Graph> {
        self.graph.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A commit's committer time and parents, and the commit decoded if
    /// `decode`: from a pack file when it is stored there whole, else
    /// through libgit2.
    fn read_commit(
        &self,
        id: git2::Oid,
        decode: bool,
    ) -> Result<(i64, Vec<git2::Oid>, Option<Commit>)> {
        if self.share {
            if let Some((time, parents, commit)) = shared_commits().get(&Id::from(id)) {
                return Ok((*time, parents.clone(), decode.then(|| (**commit).clone())));
            }
            if decode {
                let read = self.read_commit_uncached(id, true)?;
                if let (time, parents, Some(commit)) = &read {
                    shared_commits().insert(
                        Id::from(id),
                        (*time, parents.clone(), std::sync::Arc::new(commit.clone())),
                    );
                }
                return Ok(read);
            }
        }
        self.read_commit_uncached(id, decode)
    }

    /// A commit decoded once for the run's repositories that share
    /// commits (see [`Repo::share_commits`]), without copying it.
    fn shared_commit(&self, id: git2::Oid) -> Result<Option<std::sync::Arc<Commit>>> {
        if let Some((_, _, commit)) = shared_commits().get(&Id::from(id)) {
            return Ok(Some(commit.clone()));
        }
        let (time, parents, commit) = self.read_commit_uncached(id, true)?;
        Ok(commit.map(|c| {
            let c = std::sync::Arc::new(c);
            shared_commits().insert(Id::from(id), (time, parents, c.clone()));
            c
        }))
    }

    /// [`Repo::read_commit`] without the run's shared cache.
    fn read_commit_uncached(
        &self,
        id: git2::Oid,
        decode: bool,
    ) -> Result<(i64, Vec<git2::Oid>, Option<Commit>)> {
        // `git replace` objects stand in for the commits they replace (the
        // id stays the original's); grafts then override parents.
        let source = self.replace.get(&id).copied().unwrap_or(id);
        let graft = |(time, parents, commit): (i64, Vec<git2::Oid>, Option<Commit>)| match self
            .grafts
            .get(&id)
        {
            Some(p) => {
                let commit = commit.map(|c| Commit {
                    parent_count: p.len(),
                    ..c
                });
                (time, p.clone(), commit)
            }
            None => (time, parents, commit),
        };
        if let Some(c) = self.packs().borrow_mut().commit(source) {
            if self.share {
                self.tree_ids.borrow_mut().insert(Id::from(id), c.tree);
            }
            return Ok(graft(decoded(id, c, decode)));
        }
        let c = self.repo.find_commit(source).map_err(git_err)?;
        let author = c.author();
        let raw = pack::RawCommit {
            tree: c.tree_id(),
            parents: c.parent_ids().collect(),
            author_name: author.name_bytes(),
            author_email: author.email_bytes(),
            author_time: author.when().seconds(),
            author_offset_minutes: author.when().offset_minutes(),
            time: c.time().seconds(),
            offset_minutes: c.time().offset_minutes(),
            encoding: c.message_encoding().ok().flatten().map(str::as_bytes),
            message: c.message_raw_bytes(),
        };
        Ok(graft(decoded(id, raw, decode)))
    }
}

/// The committer time and parents of a commit however it was read, and
/// the commit decoded if `decode`.
fn decoded(
    id: git2::Oid,
    c: pack::RawCommit<'_>,
    decode: bool,
) -> (i64, Vec<git2::Oid>, Option<Commit>) {
    let commit = decode.then(|| {
        let encoding = c.encoding.map(|e| e.to_ascii_lowercase());
        let raw = c.message;
        let (mut message, lossy) = match std::str::from_utf8(raw) {
            Ok(s) => (s.to_string(), false),
            Err(_) => match encoding.as_deref() {
                // The commit says what it is: decode exactly, no warning needed.
                Some(b"iso-8859-1" | b"latin1" | b"latin-1" | b"iso8859-1") => {
                    (raw.iter().map(|&b| b as char).collect(), false)
                }
                _ => (String::from_utf8_lossy(raw).into_owned(), true),
            },
        };
        if message.trim().is_empty() {
            message = "(no commit message)".into();
        }
        Commit {
            id: id.to_string(),
            parent_count: c.parents.len(),
            author_name: String::from_utf8_lossy(c.author_name).into_owned(),
            author_email: String::from_utf8_lossy(c.author_email).into_owned(),
            time: c.time,
            offset_minutes: c.offset_minutes,
            author_time: c.author_time,
            author_offset_minutes: c.author_offset_minutes,
            message,
            lossy,
        }
    });
    (c.time, c.parents, commit)
}

/// The objects `git replace` put in place of others (`refs/replace/<id>`),
/// unless `GIT_NO_REPLACE_OBJECTS` is set, as git reads them.
fn replacements(repo: &git2::Repository) -> Result<HashMap<git2::Oid, git2::Oid>> {
    let mut out = HashMap::new();
    if std::env::var_os("GIT_NO_REPLACE_OBJECTS").is_some() {
        return Ok(out);
    }
    for r in repo.references_glob("refs/replace/*").map_err(git_err)? {
        let r = r.map_err(git_err)?;
        let replaced = r
            .name()
            .ok()
            .and_then(|n| n.strip_prefix("refs/replace/"))
            .and_then(|h| git2::Oid::from_str(h).ok());
        if let (Some(from), Some(to)) = (replaced, r.target()) {
            out.insert(from, to);
        }
    }
    Ok(out)
}

/// The grafts of `info/grafts` (commit id, then its parents), which git
/// still honours: the listed commits get exactly those parents.
fn grafts(repo: &git2::Repository) -> HashMap<git2::Oid, Vec<git2::Oid>> {
    let common = repo.commondir().to_path_buf();
    let text = std::fs::read_to_string(common.join("info/grafts")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut ids = l.split_whitespace().map(|h| git2::Oid::from_str(h).ok());
            let commit = ids.next()??;
            let parents: Option<Vec<git2::Oid>> = ids.collect();
            Some((commit, parents?))
        })
        .collect()
}

/// The folder holding the `.git` file nearest above `path`, if the nearest
/// `.git` is a file (a gitlink): that folder is the working tree, whatever
/// libgit2 guesses from the git directory's place.
fn gitlink_worktree(path: &Path) -> Option<PathBuf> {
    let start = path.canonicalize().ok()?;
    let dir = start.ancestors().find(|d| d.join(".git").exists())?;
    dir.join(".git").is_file().then(|| dir.to_path_buf())
}

/// Why a repository could not be opened, in words a user can act on.
fn open_error(path: &Path, e: &git2::Error) -> Error {
    let msg = e.message();
    if msg.contains("object format") || msg.contains("objectformat") {
        return Error::Git {
            message: format!(
                "{} is a SHA-256 repository, which relnotes cannot read yet ({msg})",
                path.display()
            ),
            help: "run relnotes on a SHA-1 repository; SHA-256 support needs a git reader that has it (see the book's Performance chapter)".into(),
        };
    }
    if msg.contains("refstorage") || msg.contains("reftable") {
        return Error::Git {
            message: format!(
                "{} keeps its references in the reftable format, which relnotes cannot read yet ({msg})",
                path.display()
            ),
            help: "convert the references with `git refs migrate --ref-format=files` (git 2.46 or later), then run again".into(),
        };
    }
    Error::Git {
        message: format!("{} is not inside a git repository ({msg})", path.display()),
        help: "run relnotes inside a git repository, or pass --repo PATH".into(),
    }
}

fn oid(s: &str) -> Result<git2::Oid> {
    git2::Oid::from_str(s).map_err(git_err)
}

fn git_err(e: git2::Error) -> Error {
    Error::Git {
        message: format!("reading the repository failed: {}", e.message()),
        help: "check that the repository is not corrupt (`git fsck`)".into(),
    }
}
