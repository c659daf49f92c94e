// The GitHub stand-in's repository endpoints, the ones a pin pull request needs: "Get repository
// content", "Create or update file contents" (docs.github.com/rest/repos/contents), "Get a
// reference", "Create a reference", "Update a reference" (docs.github.com/rest/git/refs), "List pull
// requests" and "Create a pull request" (docs.github.com/rest/pulls/pulls). They serve a real git
// repository (git-repository.ts), so what a pull request changes is what the deployer later reads.
// As on GitHub: contents carry the blob id as `sha` and a stale `sha` is a 409; a pull request whose
// head commits reach its base (merged on the page, or pushed by hand) is closed and merged.
import { ApiError } from './api-error.ts';
import { type CommitIdentity, GitRepository, GitRepositoryError } from './git-repository.ts';
import type { OperationName, OperationSchemas } from './openapi-operations.ts';

export const REPOSITORY_OPERATIONS = [
  'getContent',
  'updateFileContents',
  'getRef',
  'createRef',
  'updateRef',
  'listPulls',
  'createPull',
] as const satisfies readonly OperationName[];
export type RepositoryOperation = (typeof REPOSITORY_OPERATIONS)[number];

const REPO = '^\\/repos\\/(?<owner>[^/]+)\\/(?<repo>[^/]+)';
export const REPOSITORY_ROUTES: { method: string; pattern: RegExp; operation: RepositoryOperation }[] = [
  { method: 'GET', pattern: new RegExp(`${REPO}\\/contents\\/(?<path>.+)$`), operation: 'getContent' },
  {
    method: 'PUT',
    pattern: new RegExp(`${REPO}\\/contents\\/(?<path>.+)$`),
    operation: 'updateFileContents',
  },
  { method: 'GET', pattern: new RegExp(`${REPO}\\/git\\/ref\\/(?<ref>.+)$`), operation: 'getRef' },
  { method: 'POST', pattern: new RegExp(`${REPO}\\/git\\/refs$`), operation: 'createRef' },
  { method: 'PATCH', pattern: new RegExp(`${REPO}\\/git\\/refs\\/(?<ref>.+)$`), operation: 'updateRef' },
  { method: 'GET', pattern: new RegExp(`${REPO}\\/pulls$`), operation: 'listPulls' },
  { method: 'POST', pattern: new RegExp(`${REPO}\\/pulls$`), operation: 'createPull' },
];

export interface StandInPull {
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  /** Open until merged (here, or by pushing its commits to the base branch). */
  state: 'open' | 'closed';
  merged: boolean;
  createdAt: string;
  mergedAt: string | null;
}

export interface RepositoryRoutes {
  serve(
    operation: RepositoryOperation,
    params: Record<string, string>,
    body: unknown,
    query: URLSearchParams,
  ): Promise<[number, unknown]>;
  pulls(): Promise<StandInPull[]>;
  /** The page's "Merge" button: fast-forward (or merge) the base branch to the head branch. */
  merge(number: number): Promise<StandInPull>;
  /** Ends the repository's git object reader (after the last request was answered). */
  close(): Promise<void>;
}

const IDENTITY: CommitIdentity = { name: 'GitHub stand-in', email: 'stand-in@github.invalid' };

export function repositoryRoutes(options: {
  /** A local git repository; without one every repository endpoint answers 404. */
  repository: string | undefined;
  schemas: OperationSchemas;
  validate(operation: OperationName, body: unknown): void;
  baseUrl(): string;
}): RepositoryRoutes {
  const git = options.repository ? new GitRepository(options.repository) : undefined;
  const { schemas, validate } = options;
  const pulls: StandInPull[] = [];

  const repository = (): GitRepository => {
    if (!git)
      throw new ApiError(404, 'Not Found (the stand-in holds no repository: start it with a git repository)');
    return git;
  };
  const urls = (owner: string, repo: string) => ({
    api: `${options.baseUrl()}/repos/${owner}/${repo}`,
    web: `${options.baseUrl()}/${owner}/${repo}`,
  });
  const branchOfRef = (ref: string): string => {
    const branch = /^(?:refs\/)?heads\/(.+)$/.exec(ref)?.[1];
    if (!branch) throw new ApiError(422, `${ref} is not a branch reference (refs/heads/<name>)`);
    return branch;
  };
  const gitError = (error: unknown): never => {
    if (error instanceof GitRepositoryError) {
      const status = error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : 422;
      // Creating a reference that exists is a 422 on GitHub, not a 409.
      throw new ApiError(error.message === 'Reference already exists' ? 422 : status, error.message);
    }
    throw error;
  };

  /** Lazily, as GitHub notices: an open pull request whose head reached its base is merged. */
  const refresh = async (pull: StandInPull): Promise<StandInPull> => {
    if (pull.state !== 'open' || !git) return pull;
    const [head, base] = await git.branchHeads([pull.head, pull.base]);
    if (head && base && (await git.isAncestor(head, base))) {
      pull.state = 'closed';
      pull.merged = true;
      pull.mergedAt = new Date().toISOString();
    }
    return pull;
  };

  const refJson = (owner: string, repo: string, branch: string, sha: string) => ({
    ref: `refs/heads/${branch}`,
    node_id: Buffer.from(`ref:${owner}/${repo}:${branch}`).toString('base64'),
    url: `${urls(owner, repo).api}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha, url: `${urls(owner, repo).api}/git/commits/${sha}` },
  });

  const contentJson = (
    owner: string,
    repo: string,
    file: string,
    ref: string,
    blob: string,
    size: number,
  ) => {
    const { api, web } = urls(owner, repo);
    const self = `${api}/contents/${file}?ref=${encodeURIComponent(ref)}`;
    const html = `${web}/blob/${ref}/${file}`;
    return {
      name: file.slice(file.lastIndexOf('/') + 1),
      path: file,
      sha: blob,
      size,
      url: self,
      html_url: html,
      git_url: `${api}/git/blobs/${blob}`,
      download_url: `${web}/raw/${ref}/${file}`,
      type: 'file',
      _links: { self, git: `${api}/git/blobs/${blob}`, html },
    };
  };

  const pullJson = async (pull: StandInPull, full: boolean) => {
    const { api, web } = urls(pull.owner, pull.repo);
    const [head, base] = (await git?.branchHeads([pull.head, pull.base])) ?? [];
    const headSha = head ?? '0'.repeat(40);
    const baseSha = base ?? '0'.repeat(40);
    const example = full
      ? schemas.example('pull-request')
      : (schemas.example('pull-request-simple-items') as unknown as Record<string, unknown>[])[0];
    const side = (template: unknown, ref: string, sha: string) => ({
      ...(template as Record<string, unknown>),
      label: `${pull.owner}:${ref}`,
      ref,
      sha,
    });
    return {
      ...example,
      url: `${api}/pulls/${pull.number}`,
      id: pull.number,
      number: pull.number,
      html_url: `${web}/pull/${pull.number}`,
      diff_url: `${web}/pull/${pull.number}.diff`,
      patch_url: `${web}/pull/${pull.number}.patch`,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      created_at: pull.createdAt,
      updated_at: pull.mergedAt ?? pull.createdAt,
      closed_at: pull.mergedAt,
      merged_at: pull.mergedAt,
      // GitHub's own example predates the schema's required team `type`: nobody is asked to review.
      requested_reviewers: [],
      requested_teams: [],
      head: side((example as { head: unknown }).head, pull.head, headSha),
      base: side((example as { base: unknown }).base, pull.base, baseSha),
      ...(full ? { merged: pull.merged, draft: false } : {}),
    };
  };

  return {
    async serve(operation, params, body, query) {
      const { owner = '', repo = '' } = params;
      const git = repository();
      try {
        switch (operation) {
          case 'getContent': {
            const file = decodeURIComponent(params.path ?? '');
            const ref = query.get('ref') ?? (await git.defaultBranch());
            const commit = await git.commitOf(ref);
            const found = commit ? await git.file(commit, file) : undefined;
            if (!found) throw new ApiError(404, 'Not Found');
            return [
              200,
              {
                ...contentJson(owner, repo, file, ref, found.blob, found.content.length),
                content: (found.content.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
                encoding: 'base64',
              },
            ];
          }
          case 'updateFileContents': {
            validate('updateFileContents', body);
            const input = body as { message: string; content: string; sha?: string; branch?: string };
            const file = decodeURIComponent(params.path ?? '');
            const branch = input.branch ?? (await git.defaultBranch());
            const done = await git.commitFile({
              branch,
              file,
              content: Buffer.from(input.content, 'base64'),
              message: input.message,
              expectedBlob: input.sha,
              author: IDENTITY,
            });
            const { api, web } = urls(owner, repo);
            const now = new Date().toISOString();
            const example = schemas.example('file-commit-example-for-updating-a-file') as {
              commit: Record<string, unknown>;
            };
            return [
              done.created ? 201 : 200,
              {
                content: contentJson(
                  owner,
                  repo,
                  file,
                  branch,
                  done.blob,
                  Buffer.from(input.content, 'base64').length,
                ),
                commit: {
                  ...example.commit,
                  sha: done.commit,
                  node_id: Buffer.from(`commit:${done.commit}`).toString('base64'),
                  url: `${api}/git/commits/${done.commit}`,
                  html_url: `${web}/commit/${done.commit}`,
                  author: { date: now, ...IDENTITY },
                  committer: { date: now, ...IDENTITY },
                  message: input.message,
                },
              },
            ];
          }
          case 'getRef': {
            const branch = branchOfRef(decodeURIComponent(params.ref ?? ''));
            const sha = await git.branchHead(branch);
            if (!sha) throw new ApiError(404, 'Not Found');
            return [200, refJson(owner, repo, branch, sha)];
          }
          case 'createRef': {
            validate('createRef', body);
            const input = body as { ref: string; sha: string };
            if (!input.ref.startsWith('refs/'))
              throw new ApiError(422, 'Reference name must start with refs/ (e.g. refs/heads/feature)');
            const branch = branchOfRef(input.ref);
            await git.createBranch(branch, input.sha);
            return [201, refJson(owner, repo, branch, input.sha)];
          }
          case 'updateRef': {
            validate('updateRef', body);
            const input = body as { sha: string; force?: boolean };
            const branch = branchOfRef(decodeURIComponent(params.ref ?? ''));
            await git.moveBranch(branch, input.sha, input.force === true);
            return [200, refJson(owner, repo, branch, input.sha)];
          }
          case 'listPulls': {
            const state = query.get('state') ?? 'open';
            const head = query.get('head');
            const base = query.get('base');
            const listed: unknown[] = [];
            for (const pull of [...pulls].reverse()) {
              await refresh(pull);
              if (pull.owner !== owner || pull.repo !== repo) continue;
              if (state !== 'all' && pull.state !== state) continue;
              // `head` is `user:ref-name` (or `organization:ref-name`).
              if (head && head !== `${owner}:${pull.head}`) continue;
              if (base && base !== pull.base) continue;
              listed.push(await pullJson(pull, false));
            }
            return [200, listed];
          }
          case 'createPull': {
            validate('createPull', body);
            const input = body as { title?: string; head: string; base: string; body?: string };
            const head = input.head.includes(':')
              ? input.head.slice(input.head.indexOf(':') + 1)
              : input.head;
            const headSha = await git.branchHead(head);
            const baseSha = await git.branchHead(input.base);
            if (!headSha || !baseSha)
              throw new ApiError(422, 'Validation Failed', {
                errors: [{ resource: 'PullRequest', field: headSha ? 'base' : 'head', code: 'invalid' }],
              });
            for (const open of pulls) await refresh(open);
            if (
              pulls.some((p) => p.state === 'open' && p.owner === owner && p.repo === repo && p.head === head)
            )
              throw new ApiError(422, 'Validation Failed', {
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: `A pull request already exists for ${owner}:${head}.`,
                  },
                ],
              });
            if ((await git.commitsBetween(baseSha, headSha)) === 0)
              throw new ApiError(422, 'Validation Failed', {
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: `No commits between ${input.base} and ${head}`,
                  },
                ],
              });
            const pull: StandInPull = {
              number: pulls.length + 1,
              owner,
              repo,
              title: input.title ?? head,
              body: input.body ?? '',
              head,
              base: input.base,
              state: 'open',
              merged: false,
              createdAt: new Date().toISOString(),
              mergedAt: null,
            };
            pulls.push(pull);
            return [201, await pullJson(pull, true)];
          }
        }
      } catch (error) {
        return gitError(error);
      }
    },
    async pulls() {
      for (const pull of pulls) await refresh(pull);
      return structuredClone(pulls);
    },
    async merge(number) {
      const pull = pulls.find((p) => p.number === number);
      if (!pull) throw new ApiError(404, 'Not Found');
      await refresh(pull);
      if (pull.state !== 'open') throw new ApiError(405, 'Pull Request is not mergeable');
      await repository()
        .merge(
          pull.base,
          pull.head,
          `Merge pull request #${pull.number} from ${pull.head}\n\n${pull.title}`,
          IDENTITY,
        )
        .catch(gitError);
      return structuredClone(await refresh(pull));
    },
    close: async () => {
      await git?.close();
    },
  };
}
