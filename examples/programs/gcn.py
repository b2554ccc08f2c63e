"""A two-layer graph convolutional network (Kipf and Welling), as the pytorch/examples gcn
builds it, on a synthetic citation-like graph (a stochastic block model with noisy
features): the symmetrically normalized adjacency D^-1/2 (A + I) D^-1/2, a GraphConv layer
with xavier_uniform_ weights and an optional bias, dropout, log_softmax and nll_loss on
the training mask, Adam with weight decay, and accuracy on the validation and test masks;
the adjacency is dense (the example's torch.sparse.mm is used when it is sparse)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GraphConv(nn.Module):
    def __init__(self, input_dim, output_dim, use_bias=False):
        super(GraphConv, self).__init__()
        self.kernel = nn.Parameter(torch.Tensor(input_dim, output_dim))
        nn.init.xavier_normal_(self.kernel)
        self.bias = None
        if use_bias:
            self.bias = nn.Parameter(torch.Tensor(output_dim))
            nn.init.zeros_(self.bias)

    def forward(self, input_tensor, adj_mat):
        support = torch.mm(input_tensor, self.kernel)
        output = torch.sparse.mm(adj_mat, support) if adj_mat.is_sparse else adj_mat @ support
        if self.bias is not None:
            output = output + self.bias
        return output


class GCN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, use_bias=True, dropout_p=0.1):
        super(GCN, self).__init__()
        self.gc1 = GraphConv(input_dim, hidden_dim, use_bias=use_bias)
        self.gc2 = GraphConv(hidden_dim, output_dim, use_bias=use_bias)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input_tensor, adj_mat):
        x = self.gc1(input_tensor, adj_mat)
        x = F.relu(x)
        x = self.dropout(x)
        x = self.gc2(x, adj_mat)
        return F.log_softmax(x, dim=1)


def make_graph(n_nodes=300, n_classes=4, n_features=32):
    labels = torch.randint(n_classes, (n_nodes,))
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    prob = torch.where(same, torch.tensor(0.05), torch.tensor(0.004))
    upper = torch.triu(torch.bernoulli(prob), diagonal=1)
    adj = upper + upper.T
    centers = torch.randn(n_classes, n_features)
    features = centers[labels] * 0.4 + torch.randn(n_nodes, n_features)
    features = features / features.sum(1, keepdim=True).abs().clamp(min=1.0)
    return features, labels, adj


def normalize_adjacency(adj):
    adj = adj + torch.eye(adj.size(0))
    rowsum = adj.sum(1)
    d_inv_sqrt = torch.pow(rowsum, -0.5).flatten()
    d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.
    d_mat_inv_sqrt = torch.diag(d_inv_sqrt)
    return adj.mm(d_mat_inv_sqrt).transpose(0, 1).mm(d_mat_inv_sqrt)


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    correct = preds.eq(labels).double()
    correct = correct.sum()
    return correct / len(labels)


def run():
    torch.manual_seed(42)
    features, labels, adj = make_graph()
    adj_mat = normalize_adjacency(adj)
    print("edges", int(adj.sum().item()) // 2, "sparse" if adj_mat.is_sparse else "dense",
          adj_mat.shape)
    idx = torch.randperm(len(labels))
    idx_train, idx_val, idx_test = idx[:60], idx[60:160], idx[160:]
    model = GCN(features.size(1), 16, int(labels.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for epoch in range(40):
        model.train()
        optimizer.zero_grad()
        output = model(features, adj_mat)
        loss_train = F.nll_loss(output[idx_train], labels[idx_train])
        acc_train = accuracy(output[idx_train], labels[idx_train])
        loss_train.backward()
        optimizer.step()
        if epoch % 8 == 0:
            model.eval()
            with torch.no_grad():
                output = model(features, adj_mat)
                loss_val = F.nll_loss(output[idx_val], labels[idx_val])
                acc_val = accuracy(output[idx_val], labels[idx_val])
            print(f'Epoch: {epoch + 1:04d}', f'loss_train: {loss_train.item():.4f}',
                  f'acc_train: {acc_train.item():.4f}', f'loss_val: {loss_val.item():.4f}',
                  f'acc_val: {acc_val.item():.4f}')
    model.eval()
    with torch.no_grad():
        output = model(features, adj_mat)
        loss_test = F.nll_loss(output[idx_test], labels[idx_test])
        acc_test = accuracy(output[idx_test], labels[idx_test])
    print(f'Test set results: loss= {loss_test.item():.4f} accuracy= {acc_test.item():.4f}')
    print(acc_test, model.gc1.kernel.grad.shape)


run()
